/**
 * Recognises what a cohort input is: a FHIR Bulk Data export (a folder of NDJSON files, one or more per resource
 * type, as $export writes them — FHIR Bulk Data Access IG § Output File Format — optionally gzip-compressed, or a
 * single such file) or a folder of patient Bundles (.json, optionally .json.gz; one patient per file).
 */
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/** The input cannot be read at all (exit code 3). */
export class UnreadableInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableInputError';
  }
}

/** One file of the input. */
export interface InputFile {
  readonly path: string;
  /** The name shown in reports (relative to the input folder). */
  readonly name: string;
  readonly gzip: boolean;
  readonly bytes: number;
}

/** The recognised input. */
export interface CohortInput {
  readonly kind: 'bulk-ndjson' | 'bundles';
  readonly files: readonly InputFile[];
}

const NDJSON = /\.ndjson(\.gz)?$/i;
const JSON_FILE = /\.json(\.gz)?$/i;

function checkReadable(path: string): void {
  try {
    accessSync(path, constants.R_OK);
  } catch (error) {
    throw new UnreadableInputError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

function inputFile(path: string, name: string): InputFile {
  checkReadable(path);
  const stat = statSync(path);
  return { path, name, gzip: /\.gz$/i.test(path), bytes: stat.size };
}

/** Lists the input's files, checking each is readable; throws UnreadableInputError. */
export function recogniseInput(path: string): CohortInput {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    throw new UnreadableInputError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  if (stat.isFile()) {
    if (!NDJSON.test(path)) throw new UnreadableInputError(`${path} is neither a folder nor an .ndjson / .ndjson.gz file`);
    return { kind: 'bulk-ndjson', files: [inputFile(path, basename(path))] };
  }
  checkReadable(path);
  let names: string[];
  try {
    names = readdirSync(path).sort();
  } catch (error) {
    throw new UnreadableInputError(`cannot list ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  const ndjson = names.filter((n) => NDJSON.test(n));
  const bundles = names.filter((n) => JSON_FILE.test(n) && !/^report(\.internal)?\.json$/i.test(n));
  if (ndjson.length > 0 && bundles.length > 0) {
    throw new UnreadableInputError(`${path} mixes NDJSON files and JSON Bundles: give a Bulk Data export or a folder of Bundles`);
  }
  if (ndjson.length > 0) return { kind: 'bulk-ndjson', files: ndjson.map((n) => inputFile(join(path, n), n)) };
  if (bundles.length > 0) return { kind: 'bundles', files: bundles.map((n) => inputFile(join(path, n), n)) };
  throw new UnreadableInputError(`${path} holds no .ndjson, .ndjson.gz, .json or .json.gz file`);
}
