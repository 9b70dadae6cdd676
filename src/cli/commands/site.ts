/**
 * `hcc-cds site check <profile> [--data <bundle | NDJSON dir>] [--json]`: validates a site profile the way the
 * service's boot does (merged over fhir-mappings/; every problem with file and line) and, given data, lists the
 * codings in it that no mapping recognises (system|code|display, resource type, count): what the site maps next.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadKnowledgeBase } from '../../knowledge/load-knowledge-base';
import { siteParameterProblems } from '../../knowledge/load-engine';
import { loadMappings, type Mappings } from '../../mapping';
import { listUnrecognisedCodes, type UnrecognisedCode } from '../../mapping/unrecognised-codes';
import { BootError } from '../../shared/errors';
import { InputError, loadInput } from '../load-input';
import { EXIT, type CliCommand, type CliIo } from '../main';

const USAGE = `usage: hcc-cds site check <profile-dir> [--data <bundle.json | ndjson-dir>] [--json]

  <profile-dir>  a site-profile folder (site-profile.yaml, code-systems.yaml, valuesets/*.yaml, unit-aliases.yaml)
  --data         a FHIR Bundle / CDS Hooks request, or a folder of *.ndjson files (one resource per line)
  --json         print { profile, unrecognised: [{ system, code, display, resourceType, count }] }

exit codes: 0 profile valid (unrecognised codes are listed, not an error), 2 usage error,
            3 invalid profile or unreadable data
`;

interface Options {
  readonly profile: string;
  readonly data?: string;
  readonly json: boolean;
}

function parseArgs(args: readonly string[]): Options | string {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') return '';
  if (sub !== 'check') return sub === undefined ? 'missing sub-command (check)' : `unknown sub-command '${sub}'`;
  let profile: string | undefined;
  let data: string | undefined;
  let json = false;
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i] as string;
    if (arg === '--json') json = true;
    else if (arg === '--data' || arg.startsWith('--data=')) {
      const value = arg === '--data' ? rest[(i += 1)] : arg.slice('--data='.length);
      if (value === undefined || value === '') return '--data needs a file or folder';
      data = value;
    } else if (arg === '--help' || arg === '-h') return '';
    else if (arg.startsWith('-')) return `unknown option ${arg}`;
    else if (profile === undefined) profile = arg;
    else return `unexpected argument ${arg}`;
  }
  if (profile === undefined) return 'missing <profile-dir>';
  return { profile, json, ...(data === undefined ? {} : { data }) };
}

/** The resources of a Bundle / request file, or of every *.ndjson file of a folder. */
function readData(path: string): unknown[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new InputError(`cannot read ${path}`);
  }
  if (!isDir) return [...loadInput(path).resources];
  const files = readdirSync(path).filter((f) => f.endsWith('.ndjson')).sort();
  if (files.length === 0) throw new InputError(`${path}: no *.ndjson files`);
  const out: unknown[] = [];
  for (const f of files) {
    const lines = readFileSync(join(path, f), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        out.push(JSON.parse(line) as unknown);
      } catch {
        throw new InputError(`${join(path, f)}:${i + 1}: not valid JSON`);
      }
    });
  }
  return out;
}

function profileProblems(mappings: Mappings): string[] {
  const kb = loadKnowledgeBase({ factDefinitions: mappings.factDefinitions });
  return siteParameterProblems(kb.manifest.parameters, mappings.siteProfile);
}

function line(c: UnrecognisedCode): string {
  return `${c.system}|${c.code}|${c.display ?? ''}\t${c.resourceType}\t${c.count}`;
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const options = parseArgs(args);
  if (typeof options === 'string') {
    if (options !== '') io.err(`hcc-cds site: ${options}\n`);
    (options === '' ? io.out : io.err)(USAGE);
    return options === '' ? EXIT.ok : EXIT.usage;
  }
  let mappings: Mappings;
  try {
    mappings = loadMappings(undefined, { siteProfile: options.profile });
  } catch (error) {
    if (!(error instanceof BootError)) throw error;
    io.err(`hcc-cds site check: ${error.message}\n`);
    return EXIT.badInput;
  }
  const problems = profileProblems(mappings);
  if (problems.length > 0) {
    io.err(`hcc-cds site check: site profile parameters are invalid:\n  - ${problems.join('\n  - ')}\n`);
    return EXIT.badInput;
  }
  let unrecognised: UnrecognisedCode[] | undefined;
  if (options.data !== undefined) {
    try {
      unrecognised = listUnrecognisedCodes(mappings, readData(options.data));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      io.err(`hcc-cds site check: ${error.message}\n`);
      return EXIT.badInput;
    }
  }
  const profile = mappings.siteProfile;
  if (options.json) {
    io.out(`${JSON.stringify({ profile: { name: profile?.name, dir: profile?.dir, notices: profile?.notices ?? [] }, ...(unrecognised === undefined ? {} : { unrecognised }) }, null, 2)}\n`);
    return EXIT.ok;
  }
  const out = [`site profile '${profile?.name ?? options.profile}' valid (merged over fhir-mappings ${mappings.version})`];
  for (const notice of profile?.notices ?? []) out.push(`note: ${notice}`);
  if (unrecognised !== undefined) {
    if (unrecognised.length === 0) out.push('every coding in the data is recognised by a mapping');
    else {
      out.push('', `codings no mapping recognises (${unrecognised.length}):`, 'system|code|display\tresource type\tcount');
      for (const c of unrecognised) out.push(line(c));
    }
  }
  io.out(`${out.join('\n')}\n`);
  return EXIT.ok;
}

/** The `site` command. */
export const command: CliCommand = { summary: 'check a site profile and list the codes in data that no mapping recognises', run };
