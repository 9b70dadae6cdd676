/**
 * The running sums of a cohort run, added to one patient outcome at a time on the main thread. Plain JSON (no
 * Map) so a run can checkpoint it; its size grows with the number of recommendations, facts, issue codes and
 * distinct unrecognised codes (capped), never with the number of patients.
 */
import type { PatientOutcome } from './patient-outcome';
import { cardBin, type CardIndicator } from './report-types';

/** Most distinct unrecognised codes tallied; further ones are only counted. */
export const UNRECOGNISED_CAP = 20_000;

/** One unrecognised-code row being tallied. */
export interface UnrecognisedTally {
  readonly system: string;
  readonly code: string;
  readonly display?: string;
  readonly resourceType: string;
  occurrences: number;
  patients: number;
}

/** The sums. */
export interface CohortTally {
  kbVersions: string[];
  read: number;
  failed: number;
  hcc: { yes: number; no: number; unknown: number };
  cardsPerPatient: Record<string, number>;
  indicatorCards: Record<string, number>;
  indicatorPatients: Record<string, number>;
  recommendations: Record<string, { fires: number; notEvaluable: number; notApplicable: number }>;
  missing: Record<string, { blocked: number; patients: number; recommendationIds: string[] }>;
  issues: Record<string, { issues: number; patients: number }>;
  unrecognisedAvailable: boolean;
  unrecognised: Record<string, UnrecognisedTally>;
  unrecognisedOverflow: number;
  /** The failed patients' inputs and reasons, capped (internal report only). */
  failures: { reason: string; inputs: string[] }[];
}

const FAILURE_CAP = 1000;

/** An empty tally. */
export function emptyTally(unrecognisedAvailable: boolean): CohortTally {
  return {
    kbVersions: [],
    read: 0,
    failed: 0,
    hcc: { yes: 0, no: 0, unknown: 0 },
    cardsPerPatient: {},
    indicatorCards: {},
    indicatorPatients: {},
    recommendations: {},
    missing: {},
    issues: {},
    unrecognisedAvailable,
    unrecognised: {},
    unrecognisedOverflow: 0,
    failures: [],
  };
}

function bump(record: Record<string, number>, key: string, by = 1): void {
  record[key] = (record[key] ?? 0) + by;
}

/** Adds one patient's outcome to the tally. */
export function addOutcome(tally: CohortTally, outcome: PatientOutcome): void {
  tally.read += 1;
  if (!outcome.ok) {
    tally.failed += 1;
    if (tally.failures.length < FAILURE_CAP) tally.failures.push({ reason: outcome.reason, inputs: [...outcome.inputs] });
    return;
  }
  if (!tally.kbVersions.includes(outcome.kbVersion)) tally.kbVersions.push(outcome.kbVersion);
  tally.hcc[outcome.hcc] += 1;
  bump(tally.cardsPerPatient, cardBin(outcome.cardIndicators.length));
  const indicators = new Set<CardIndicator>();
  for (const indicator of outcome.cardIndicators) {
    bump(tally.indicatorCards, indicator);
    indicators.add(indicator);
  }
  for (const indicator of indicators) bump(tally.indicatorPatients, indicator);

  const missingHere = new Map<string, number>();
  for (const rec of outcome.recommendations) {
    const row = (tally.recommendations[rec.id] ??= { fires: 0, notEvaluable: 0, notApplicable: 0 });
    row[rec.status] += 1;
    for (const fact of rec.missingFacts) {
      missingHere.set(fact, (missingHere.get(fact) ?? 0) + 1);
      const m = (tally.missing[fact] ??= { blocked: 0, patients: 0, recommendationIds: [] });
      if (!m.recommendationIds.includes(rec.id)) m.recommendationIds.push(rec.id);
    }
  }
  for (const [fact, count] of missingHere) {
    const m = tally.missing[fact]!;
    m.blocked += count;
    m.patients += 1;
  }

  const issuesHere = new Map<string, number>();
  for (const code of outcome.dataIssueCodes) issuesHere.set(code, (issuesHere.get(code) ?? 0) + 1);
  for (const [code, count] of issuesHere) {
    const row = (tally.issues[code] ??= { issues: 0, patients: 0 });
    row.issues += count;
    row.patients += 1;
  }

  const codesHere = new Map<string, { u: NonNullable<typeof outcome.unrecognised>[number]; count: number }>();
  for (const u of outcome.unrecognised ?? []) {
    const key = `${u.resourceType}|${u.system}|${u.code}`;
    const seen = codesHere.get(key);
    if (seen === undefined) codesHere.set(key, { u, count: u.count });
    else seen.count += u.count;
  }
  for (const [key, { u, count }] of codesHere) {
    let row = tally.unrecognised[key];
    if (row === undefined) {
      if (Object.keys(tally.unrecognised).length >= UNRECOGNISED_CAP) {
        tally.unrecognisedOverflow += 1;
        continue;
      }
      row = tally.unrecognised[key] = { system: u.system, code: u.code, ...(u.display !== undefined ? { display: u.display } : {}), resourceType: u.resourceType, occurrences: 0, patients: 0 };
    }
    row.occurrences += count;
    row.patients += 1;
  }
}
