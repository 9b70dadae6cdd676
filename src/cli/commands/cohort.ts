/**
 * `hcc-cds cohort <input>`: runs the consensus over a whole population (a FHIR Bulk Data export or a folder of
 * patient Bundles) and writes the cohort readiness report; `hcc-cds cohort merge <report.json>...` pools sites'
 * reports. See README "Cohort readiness report" and src/cohort/.
 */
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { UnreadableInputError } from '../../cohort/cohort-input';
import { mergeReports } from '../../cohort/merge-reports';
import { createProgress } from '../../cohort/progress';
import { renderReportHtml } from '../../cohort/render-report-html';
import type { CohortReport } from '../../cohort/report-types';
import { runCohort } from '../../cohort/run-cohort';
import { SiteProfileError } from '../../cohort/site-profile-support';
import { suppressReport } from '../../cohort/suppress-report';
import { reportProblems } from '../../cohort/validate-report';
import { EXIT, type CliCommand, type CliIo } from '../main';

const USAGE = `usage: hcc-cds cohort <input> [--at ISO-8601] [--site-profile DIR] [--out DIR] [--workers N] [--min-cell N] [--resume]
       hcc-cds cohort merge <report.json>... [--out DIR] [--min-cell N]

  <input>          a FHIR Bulk Data export (folder of .ndjson / .ndjson.gz files, or one such file)
                   or a folder of patient Bundles (.json / .json.gz, one patient per file)
  --at             evaluate every patient as of this instant (default: now)
  --site-profile   a hospital's site profile folder, applied as by the service
  --out            output folder (default ./cohort-report, for merge ./cohort-merged)
  --workers        worker threads (default: all cores; 0 = evaluate on the main thread)
  --min-cell       smallest patient count shown in the shareable report (default 5)
  --resume         continue an interrupted run of the same input into the same --out (from <out>/.cohort-work)

writes report.json (shareable: small counts suppressed), report.html (from report.json, readable offline) and
report.internal.json (exact counts, file/line of input problems: keep it inside the hospital). merge pools
reports: internal reports merge exactly (and give an internal result too), shareable ones conservatively.

exit codes: 0 done, 1 internal failure, 2 usage error, 3 unreadable input, or some input / patient failed
(the report is still written and names them)
`;

class UsageError extends Error {}

interface Flags {
  readonly positional: string[];
  readonly values: Map<string, string>;
}

const SWITCHES = ['--resume'];

function parseFlags(args: readonly string[], known: readonly string[]): Flags {
  const positional: string[] = [];
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    if (SWITCHES.includes(arg) && known.includes(arg)) {
      values.set(arg, 'true');
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!known.includes(flag)) throw new UsageError(`unknown option ${flag}`);
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
    values.set(flag, value);
  }
  return { positional, values };
}

function integer(flags: Flags, flag: string, fallback: number, min: number): number {
  const raw = flags.values.get(flag);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new UsageError(`${flag} must be an integer ≥ ${min}`);
  return Number(raw);
}

function writeLine(io: CliIo, text: string): void {
  io.err(`${text}\n`);
}

async function runCommand(args: readonly string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, ['--at', '--site-profile', '--out', '--workers', '--min-cell', '--resume']);
  if (flags.positional.length !== 1) throw new UsageError(flags.positional.length === 0 ? 'missing <input>' : 'give exactly one <input>');
  const at = flags.values.get('--at');
  if (at !== undefined && (!/^\d{4}-\d{2}-\d{2}/.test(at) || Number.isNaN(Date.parse(at)))) throw new UsageError('--at must be an ISO 8601 date or date-time');
  const workers = integer(flags, '--workers', availableParallelism(), 0);
  const minCell = integer(flags, '--min-cell', 5, 1);
  const siteProfile = flags.values.get('--site-profile');
  if (siteProfile !== undefined && (!existsSync(siteProfile) || !statSync(siteProfile).isDirectory())) {
    throw new UnreadableInputError(`--site-profile ${siteProfile} is not a readable folder`);
  }
  const outDir = flags.values.get('--out') ?? 'cohort-report';
  let shown = 0;
  const result = await runCohort({
    input: flags.positional[0]!,
    outDir,
    workers,
    minCell,
    resume: flags.values.has('--resume'),
    ...(at !== undefined ? { at } : {}),
    ...(siteProfile !== undefined ? { siteProfileDir: siteProfile } : {}),
    progress: createProgress({ isTTY: process.stderr.isTTY === true, write: (text) => io.err(text) }),
    onNotice: (notice) => writeLine(io, `hcc-cds cohort: ${notice}`),
    onProblem: (problem) => {
      if (shown++ < 20) writeLine(io, `input problem: ${problem.file}${problem.line !== undefined ? `:${problem.line}` : ''} ${problem.kind}: ${problem.message}`);
    },
  });
  const r = result.internal;
  const problems = r.input.problems.reduce((n, p) => n + p.count, 0);
  if (problems > shown && shown >= 20) writeLine(io, `… ${problems - 20} more input problems (report.internal.json lists the first 1000 with file and line)`);
  for (const name of result.failedInputs) writeLine(io, `failed input: ${name}`);
  io.out(
    `hcc-cds cohort: ${r.patients.read ?? 0} patients read, ${r.patients.withHccDiagnosis ?? 0} with an HCC diagnosis, ${r.patients.failed ?? 0} failed; ${problems} input problems\n` +
      `  ${result.files.json}\n  ${result.files.html}\n  ${result.files.internalJson} (exact counts: keep inside the hospital)\n`,
  );
  return result.failedInputs.length > 0 || (r.patients.failed ?? 0) > 0 ? EXIT.badInput : EXIT.ok;
}

function readReport(path: string): CohortReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UnreadableInputError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UnreadableInputError(`${path} is not valid JSON`);
  }
  const problems = reportProblems(json);
  if (problems.length > 0) throw new UnreadableInputError(`${path} is not a cohort report:\n  - ${problems.join('\n  - ')}`);
  return json as CohortReport;
}

async function mergeCommand(args: readonly string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, ['--out', '--min-cell']);
  if (flags.positional.length === 0) throw new UsageError('missing <report.json>');
  const reports = flags.positional.map(readReport);
  const minCell = flags.values.has('--min-cell') ? integer(flags, '--min-cell', 5, 1) : undefined;
  const merged = mergeReports(reports, minCell !== undefined ? { minCell } : {});
  const outDir = flags.values.get('--out') ?? 'cohort-merged';
  mkdirSync(outDir, { recursive: true });
  const shareable = merged.shareable ? merged : suppressReport(merged);
  const written = [join(outDir, 'report.json'), join(outDir, 'report.html')];
  writeFileSync(written[0]!, `${JSON.stringify(shareable, null, 2)}\n`);
  writeFileSync(written[1]!, renderReportHtml(shareable));
  if (!merged.shareable) {
    written.push(join(outDir, 'report.internal.json'));
    writeFileSync(written[2]!, `${JSON.stringify(merged, null, 2)}\n`);
  }
  io.out(`hcc-cds cohort merge: ${reports.length} reports pooled (${merged.shareable ? 'shareable inputs: suppressed cells stay suppressed' : 'internal inputs: exact'})\n${written.map((w) => `  ${w}`).join('\n')}\n`);
  return EXIT.ok;
}

/** The cohort command. */
export const command: CliCommand = {
  summary: 'run the consensus over a population and write the cohort readiness report; merge pools reports',
  async run(args, io) {
    if (args.includes('--help') || args.includes('-h')) {
      io.out(USAGE);
      return EXIT.ok;
    }
    try {
      return args[0] === 'merge' ? await mergeCommand(args.slice(1), io) : await runCommand(args, io);
    } catch (error) {
      if (error instanceof UsageError) {
        io.err(`hcc-cds cohort: ${error.message}\n${USAGE}`);
        return EXIT.usage;
      }
      if (error instanceof UnreadableInputError || error instanceof SiteProfileError) {
        io.err(`hcc-cds cohort: ${error.message}\n`);
        return EXIT.badInput;
      }
      throw error;
    }
  },
};
