/**
 * `hcc-cds facts <file> [--json] [--at <ISO date>]`: prints every fact of docs/fact-catalogue.md extracted from a
 * FHIR Bundle or a CDS Hooks request with prefetch — value, unit, date and sources, or the reason it is Unknown.
 * Uses the same extractFacts as the service.
 */
import type { Fact } from '../../domain/facts';
import { extractFacts, loadMappings } from '../../mapping';
import { BootError } from '../../shared/errors';
import { InputError, loadInput } from '../load-input';
import { EXIT, type CliCommand, type CliIo } from '../main';

const USAGE = `usage: hcc-cds facts <file> [--json] [--at ISO-8601] [--site-profile DIR]

  <file>   a FHIR Bundle (one patient's record) or a CDS Hooks request with prefetch
  --json   print an object keyed by fact name instead of text
  --at     evaluate as of this instant (lookback and staleness windows; default now)
  --site-profile  a site-profile folder merged over fhir-mappings/ (README "Deploying at a hospital")

exit codes: 0 ok, 1 failure, 2 usage error, 3 unreadable or invalid input
`;

interface Options {
  readonly file: string;
  readonly json: boolean;
  readonly at?: Date;
  readonly siteProfile?: string;
}

function parseArgs(args: readonly string[]): Options | string {
  let file: string | undefined;
  let json = false;
  let at: Date | undefined;
  let siteProfile: string | undefined;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '--json') json = true;
    else if (arg === '--at' || arg.startsWith('--at=')) {
      const value = arg === '--at' ? args[(i += 1)] : arg.slice('--at='.length);
      if (value === undefined || !Number.isFinite(Date.parse(value))) return `--at needs an ISO 8601 date (got ${value ?? 'nothing'})`;
      at = new Date(value);
    } else if (arg === '--site-profile' || arg.startsWith('--site-profile=')) {
      const value = arg === '--site-profile' ? args[(i += 1)] : arg.slice('--site-profile='.length);
      if (value === undefined || value === '') return '--site-profile needs a folder';
      siteProfile = value;
    } else if (arg === '--help' || arg === '-h') return '';
    else if (arg.startsWith('-')) return `unknown option ${arg}`;
    else if (file === undefined) file = arg;
    else return `unexpected argument ${arg}`;
  }
  if (file === undefined) return 'missing <file>';
  return { file, json, ...(at === undefined ? {} : { at }), ...(siteProfile === undefined ? {} : { siteProfile }) };
}

/** Column width of the fact names (the longest catalogue name plus room). */
const NAME_WIDTH = 30;

function describe(name: string, fact: Fact): string {
  if (!fact.known) {
    const parts = [`Unknown (${fact.reason})`];
    if (fact.missing !== undefined && fact.missing.length > 0) parts.push(`missing ${fact.missing.join(', ')}`);
    if (fact.detail !== undefined) parts.push(fact.detail);
    if (fact.sources !== undefined && fact.sources.length > 0) parts.push(`from ${fact.sources.join(', ')}`);
    return `${name.padEnd(NAME_WIDTH)} ${parts.join(' — ')}`;
  }
  const value = Array.isArray(fact.value) ? (fact.value.length === 0 ? '(none)' : fact.value.join(', ')) : String(fact.value);
  const parts = [`${value}${fact.unit === undefined ? '' : ` ${fact.unit}`}`];
  if (fact.effective !== undefined) parts.push(`@ ${fact.effective}`);
  if (fact.sources.length > 0) parts.push(`from ${fact.sources.join(', ')}`);
  if (fact.derived !== undefined) parts.push(`derived (${fact.derived.method}${fact.derived.detail === undefined ? '' : `: ${fact.derived.detail}`})`);
  return `${name.padEnd(NAME_WIDTH)} ${parts.join('  ')}`;
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const options = parseArgs(args);
  if (typeof options === 'string') {
    if (options !== '') io.err(`hcc-cds facts: ${options}\n`);
    (options === '' ? io.out : io.err)(USAGE);
    return options === '' ? EXIT.ok : EXIT.usage;
  }
  let input;
  try {
    input = loadInput(options.file);
  } catch (error) {
    if (error instanceof InputError) {
      io.err(`hcc-cds facts: ${error.message}\n`);
      return EXIT.badInput;
    }
    throw error;
  }
  let mappings;
  try {
    mappings = loadMappings(undefined, options.siteProfile === undefined ? {} : { siteProfile: options.siteProfile });
  } catch (error) {
    if (error instanceof BootError) {
      io.err(`hcc-cds facts: ${error.message}\n`);
      // A bad site profile is invalid input; bad shipped mappings are an internal failure.
      return options.siteProfile === undefined ? EXIT.failure : EXIT.badInput;
    }
    throw error;
  }
  const now = options.at ?? new Date();
  const result = extractFacts(mappings, input.resources, { patientId: input.patientId, now });
  if (options.json) {
    // The object is keyed by fact name (issue 3); data issues go to stderr so stdout stays that object.
    io.out(`${JSON.stringify(result.facts, null, 2)}\n`);
    for (const issue of result.issues) io.err(`data issue ${issue.code}: ${issue.message}${issue.location === undefined ? '' : ` (${issue.location})`}\n`);
    return EXIT.ok;
  }
  const lines = [`patient ${input.patientId} at ${now.toISOString()} (${input.resources.length} resources)`, ''];
  for (const name of [...Object.keys(result.facts)].sort()) lines.push(describe(name, result.facts[name] as Fact));
  if (result.issues.length > 0) {
    lines.push('', 'data issues:');
    for (const issue of result.issues) lines.push(`  ${issue.code}: ${issue.message}${issue.location === undefined ? '' : ` (${issue.location})`}`);
  }
  io.out(`${lines.join('\n')}\n`);
  return EXIT.ok;
}

/** The `facts` command. */
export const command: CliCommand = { summary: 'print the clinical facts extracted from a FHIR Bundle or CDS Hooks request', run };
