/**
 * The record of every CDS Hooks response the test suites produce in-process (test/support/scan-responses.ts
 * routes runService's responses and the engine's cards here): how many were seen, and every null or empty value
 * found in them (CDS Hooks § Use of JSON), which the setup hook turns into a failure of the test that produced it.
 */
import { nullOrEmptyProblems } from '../../src/cds-hooks/validator';

let seen = 0;
let problems: string[] = [];

/** Scans one response body; `where` names its producer in the failure message. */
export function recordResponse(where: string, body: unknown): void {
  seen += 1;
  for (const problem of nullOrEmptyProblems(body)) problems.push(`${where}: ${problem}`);
}

/** How many responses this test file has produced so far. */
export function responsesSeen(): number {
  return seen;
}

/** The problems found since the last call, cleared. */
export function takeProblems(): string[] {
  const out = problems;
  problems = [];
  return out;
}
