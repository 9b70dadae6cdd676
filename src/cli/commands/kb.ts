/**
 * `hcc-cds kb [--check] [--out file] [--site-profile DIR]`: validates the knowledge base against the mappings (exit 1 with every
 * problem when invalid) and writes the clinician review document; `--check` instead compares it with the file
 * on disk and exits 1 when it is stale (CI drift check). With a site profile, the review shows the parameter values
 * the site runs with (its overrides over kb.yaml's defaults).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { siteParameterProblems } from '../../knowledge/load-engine';
import { loadKnowledgeBase } from '../../knowledge/load-knowledge-base';
import { resolveParameters } from '../../knowledge/parameters';
import { repositoryRoot } from '../../knowledge/read-knowledge-files';
import { renderReview } from '../../knowledge/render-review';
import { loadMappings } from '../../mapping';
import { BootError } from '../../shared/errors';
import { EXIT, type CliCommand } from '../main';

function parse(args: readonly string[]): { check: boolean; out: string; siteProfile?: string } | string {
  let check = false;
  let siteProfile: string | undefined;
  let out = join(repositoryRoot(), 'cds-services', 'knowledge', 'REVIEW.md');
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '--check') check = true;
    else if (arg === '--out' && args[i + 1] !== undefined) out = resolve(args[(i += 1)] as string);
    else if (arg === '--site-profile' && args[i + 1] !== undefined) siteProfile = resolve(args[(i += 1)] as string);
    else return `unknown option '${String(arg)}'`;
  }
  // The shipped REVIEW.md shows kb.yaml's defaults; a site's review goes to a file of its own.
  if (siteProfile !== undefined && !args.includes('--out')) return '--site-profile needs --out (REVIEW.md shows the shipped defaults)';
  return { check, out, ...(siteProfile === undefined ? {} : { siteProfile }) };
}

/** The `kb` command. */
export const command: CliCommand = {
  summary: 'validate the knowledge base and write (or --check) cds-services/knowledge/REVIEW.md',
  async run(args, io) {
    const options = parse(args);
    if (typeof options === 'string') {
      io.err(`hcc-cds kb: ${options}\nusage: hcc-cds kb [--check] [--out file] [--site-profile DIR]\n`);
      return EXIT.usage;
    }
    let mappings;
    try {
      mappings = loadMappings(undefined, options.siteProfile === undefined ? {} : { siteProfile: options.siteProfile });
    } catch (error) {
      if (options.siteProfile === undefined || !(error instanceof BootError)) throw error;
      io.err(`hcc-cds kb: ${error.message}\n`);
      return EXIT.badInput;
    }
    const kb = loadKnowledgeBase({ factDefinitions: mappings.factDefinitions });
    const problems = siteParameterProblems(kb.manifest.parameters, mappings.siteProfile);
    const { values } = resolveParameters(kb.manifest.parameters, mappings.siteProfile?.parameters);
    if (problems.length > 0) {
      io.err(`hcc-cds kb: site profile parameters are invalid:\n  - ${problems.join('\n  - ')}\n`);
      return EXIT.badInput;
    }
    const review = renderReview(kb, values);
    if (options.check) {
      const current = existsSync(options.out) ? readFileSync(options.out, 'utf8') : '';
      if (current !== review) {
        io.err(`hcc-cds kb: ${options.out} is stale; run \`npm run kb:render\` and commit it\n`);
        return EXIT.failure;
      }
      io.out(`knowledge base ${kb.manifest.id}@${kb.manifest.version} valid; REVIEW.md up to date\n`);
      return EXIT.ok;
    }
    writeFileSync(options.out, review);
    io.out(`knowledge base ${kb.manifest.id}@${kb.manifest.version} valid; wrote ${options.out}\n`);
    return EXIT.ok;
  },
};
