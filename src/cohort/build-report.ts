/**
 * Turns a run's tally into the internal report (every count exact, shareable false). suppress-report.ts derives
 * the shareable report from it.
 */
import type { CohortTally } from './cohort-tally';
import { finishReport } from './finish-report';
import { CARD_BINS, REPORT_FORMAT, type CardIndicator, type CohortReport, type InputSummary, type SiteProfileUse } from './report-types';
import { FINDER_UNAVAILABLE_NOTE } from './unrecognised-code-source';

const INDICATORS: readonly CardIndicator[] = ['critical', 'warning', 'info'];

/** What the report says about the run besides the tally. */
export interface RunFacts {
  readonly minCell: number;
  readonly generatedAt: Date;
  readonly evaluatedAt: string | null;
  readonly complete: boolean;
  readonly siteProfile: SiteProfileUse;
  readonly input: InputSummary;
  /** The knowledge base version of the engine, also when no patient was evaluated. */
  readonly kbVersion: string;
}

/** The internal (unsuppressed) report of a tally. */
export function buildReport(tally: CohortTally, facts: RunFacts): CohortReport {
  const overflow = tally.unrecognisedOverflow > 0 ? `; ${tally.unrecognisedOverflow} further codings were not tallied (more than the distinct-code cap)` : '';
  const kbVersions = tally.kbVersions.includes(facts.kbVersion) ? tally.kbVersions : [...tally.kbVersions, facts.kbVersion];
  return finishReport({
    format: REPORT_FORMAT,
    shareable: false,
    minCell: facts.minCell,
    kbVersions,
    generatedAt: facts.generatedAt.toISOString(),
    evaluatedAt: facts.evaluatedAt,
    reportsMerged: 1,
    complete: facts.complete && tally.failed === 0,
    siteProfile: facts.siteProfile,
    patients: {
      read: tally.read,
      withHccDiagnosis: tally.hcc.yes,
      withoutHccDiagnosis: tally.hcc.no,
      hccDiagnosisUnknown: tally.hcc.unknown,
      failed: tally.failed,
    },
    cardsPerPatient: CARD_BINS.map((cards) => ({ cards, patients: tally.cardsPerPatient[cards] ?? 0 })),
    cardsByIndicator: INDICATORS.map((indicator) => ({ indicator, cards: tally.indicatorCards[indicator] ?? 0, patients: tally.indicatorPatients[indicator] ?? 0 })),
    recommendations: Object.entries(tally.recommendations).map(([id, r]) => ({
      id,
      fired: r.fires,
      notEvaluable: r.notEvaluable,
      notApplicable: r.notApplicable,
      firingRate: null,
      notEvaluableRate: null,
    })),
    missingInputs: Object.entries(tally.missing).map(([fact, m]) => ({ fact, recommendationIds: m.recommendationIds, blocked: m.blocked, patients: m.patients })),
    dataIssues: Object.entries(tally.issues).map(([code, i]) => ({ code, issues: i.issues, patients: i.patients })),
    unrecognisedCodes: {
      available: tally.unrecognisedAvailable,
      ...(tally.unrecognisedAvailable ? (overflow !== '' ? { note: overflow.slice(2) } : {}) : { note: FINDER_UNAVAILABLE_NOTE }),
      rows: Object.values(tally.unrecognised).map((u) => ({
        system: u.system,
        code: u.code,
        ...(u.display !== undefined ? { display: u.display } : {}),
        resourceType: u.resourceType,
        occurrences: u.occurrences,
        patients: u.patients,
      })),
      suppressedRows: 0,
    },
    input: facts.input,
  });
}
