/**
 * The record of every CDS Hooks response the test suites produce in-process (test/support/scan-responses.ts
 * routes runService's responses and the engine's cards here): how many were seen, and every null or empty value
 * found in them (CDS Hooks § Use of JSON), which the setup hook turns into a failure of the test that produced it.
 * Responses are queued and scanned in batches (and before each test ends), so the scan does not weigh on the
 * timing of the code under test.
 */
import { nullOrEmptyProblems } from '../../src/cds-hooks/validator';

const BATCH = 200;
let seen = 0;
let queue: { where: string; body: unknown }[] = [];
let problems: string[] = [];

function scanQueued(): void {
  for (const { where, body } of queue) for (const problem of nullOrEmptyProblems(body)) problems.push(`${where}: ${problem}`);
  queue = [];
}

/** Records one response body for scanning; `where` names its producer in the failure message. */
export function recordResponse(where: string, body: unknown): void {
  seen += 1;
  queue.push({ where, body });
  if (queue.length >= BATCH) scanQueued();
}

/** How many responses this test file has produced so far. */
export function responsesSeen(): number {
  return seen;
}

/** Scans what is queued and returns the problems found since the last call, cleared. */
export function takeProblems(): string[] {
  scanQueued();
  const out = problems;
  problems = [];
  return out;
}
