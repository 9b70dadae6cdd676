/**
 * Alert-burden figures of a set of hook answers (issue 9): cards per patient-view call (median, max), the share of
 * data-gap cards, critical cards per hook and cards per recommendation, checked against the targets.
 */
import type { CdsCard, HookName } from '../../src/cds-hooks/types';

/** Targets of issue 9. */
export const BURDEN_TARGETS = { medianCardsPerPatientView: 2, dataGapShareMax: 0.15, criticalInPatientView: 0 } as const;

/** One evaluated vignette. */
export interface BurdenSample {
  readonly name: string;
  readonly hook: HookName;
  readonly cards: readonly CdsCard[];
}

/** The figures. */
export interface BurdenFigures {
  readonly patientViews: number;
  readonly cardsTotal: number;
  readonly medianCards: number;
  readonly maxCards: number;
  readonly maxCardsScenario?: string;
  readonly dataGapCards: number;
  readonly dataGapShare: number;
  readonly criticalByHook: Readonly<Record<string, { readonly calls: number; readonly cards: number; readonly critical: number }>>;
  readonly cardsByRecommendation: readonly { readonly id: string; readonly cards: number; readonly dataGapMentions: number }[];
  readonly met: { readonly median: boolean; readonly dataGapShare: boolean; readonly noCriticalInPatientView: boolean };
}

interface Own {
  readonly kind?: string;
  readonly recommendations?: readonly { readonly id: string }[];
  readonly notEvaluable?: readonly { readonly id: string }[];
}

/** The card's own extension. */
export function ownExtension(card: CdsCard): Own {
  return (card.extension?.['org.hcc-cds'] ?? {}) as Own;
}

/** True for the data-gap card. */
export function isDataGapCard(card: CdsCard): boolean {
  return ownExtension(card).kind === 'data-gap';
}

/** The median of a list of numbers (0 when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Computes the figures. */
export function burdenFigures(samples: readonly BurdenSample[]): BurdenFigures {
  const pv = samples.filter((s) => s.hook === 'patient-view');
  const counts = pv.map((s) => s.cards.length);
  const cardsTotal = counts.reduce((a, b) => a + b, 0);
  const dataGapCards = pv.reduce((n, s) => n + s.cards.filter(isDataGapCard).length, 0);
  const worst = pv.reduce<BurdenSample | undefined>((a, b) => (a === undefined || b.cards.length > a.cards.length ? b : a), undefined);
  const byHook: Record<string, { calls: number; cards: number; critical: number }> = {};
  const byRec = new Map<string, { cards: number; dataGapMentions: number }>();
  for (const s of samples) {
    const h = (byHook[s.hook] ??= { calls: 0, cards: 0, critical: 0 });
    h.calls += 1;
    h.cards += s.cards.length;
    h.critical += s.cards.filter((c) => c.indicator === 'critical').length;
    if (s.hook !== 'patient-view') continue;
    for (const card of s.cards) {
      const own = ownExtension(card);
      for (const r of own.recommendations ?? []) {
        const e = byRec.get(r.id) ?? { cards: 0, dataGapMentions: 0 };
        e.cards += 1;
        byRec.set(r.id, e);
      }
      if (isDataGapCard(card)) {
        for (const r of own.notEvaluable ?? []) {
          const e = byRec.get(r.id) ?? { cards: 0, dataGapMentions: 0 };
          e.dataGapMentions += 1;
          byRec.set(r.id, e);
        }
      }
    }
  }
  const medianCards = median(counts);
  const dataGapShare = cardsTotal === 0 ? 0 : dataGapCards / cardsTotal;
  const criticalPv = byHook['patient-view']?.critical ?? 0;
  return {
    patientViews: pv.length,
    cardsTotal,
    medianCards,
    maxCards: worst?.cards.length ?? 0,
    ...(worst !== undefined ? { maxCardsScenario: worst.name } : {}),
    dataGapCards,
    dataGapShare,
    criticalByHook: byHook,
    cardsByRecommendation: [...byRec.entries()]
      .map(([id, e]) => ({ id, ...e }))
      .sort((a, b) => b.cards + b.dataGapMentions - (a.cards + a.dataGapMentions) || a.id.localeCompare(b.id)),
    met: {
      median: medianCards <= BURDEN_TARGETS.medianCardsPerPatientView,
      dataGapShare: dataGapShare <= BURDEN_TARGETS.dataGapShareMax,
      noCriticalInPatientView: criticalPv <= BURDEN_TARGETS.criticalInPatientView,
    },
  };
}

/** The figures as Markdown (the README's "Alert burden" tables). */
export function burdenMarkdown(f: BurdenFigures): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
  const yes = (b: boolean): string => (b ? 'yes' : '**no**');
  const lines = [
    '| target | measured | met |',
    '| --- | --- | --- |',
    `| median cards per patient-view ≤ ${BURDEN_TARGETS.medianCardsPerPatientView} | ${f.medianCards} (max ${f.maxCards}${f.maxCardsScenario !== undefined ? `, ${f.maxCardsScenario}` : ''}) | ${yes(f.met.median)} |`,
    `| data-gap cards ≤ ${BURDEN_TARGETS.dataGapShareMax * 100} % of all cards | ${f.dataGapCards} of ${f.cardsTotal} = ${pct(f.dataGapShare)} | ${yes(f.met.dataGapShare)} |`,
    `| no critical card in patient-view | ${f.criticalByHook['patient-view']?.critical ?? 0} | ${yes(f.met.noCriticalInPatientView)} |`,
    '',
    '| hook | calls | cards | critical cards |',
    '| --- | --- | --- | --- |',
    ...Object.entries(f.criticalByHook).map(([hook, h]) => `| ${hook} | ${h.calls} | ${h.cards} | ${h.critical} |`),
    '',
    '| recommendation | patient-view cards naming it | data-gap card mentions |',
    '| --- | --- | --- |',
    ...f.cardsByRecommendation.map((r) => `| ${r.id} | ${r.cards} | ${r.dataGapMentions} |`),
  ];
  return lines.join('\n');
}
