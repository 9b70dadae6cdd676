/**
 * The `extension["org.hcc-cds"]` of a card (data-conventions.md, "What the output carries"): the recommendations
 * behind the card with their evidence grades, the KB version and the facts used. CDS Hooks § Use of JSON forbids
 * null, so a grade the source does not state is omitted and `evidenceStatus` says so explicitly ("not-stated";
 * "partly-stated" when only one of level and strength is stated; "stated" when both are); every other empty value
 * is omitted too.
 */
import type { Fact } from '../domain/facts';
import type { Recommendation } from './types';

/** One fact as listed in the extension. */
export interface ExtensionFact {
  readonly name: string;
  readonly value: unknown;
  readonly unit?: string;
  readonly effective?: string;
  readonly derived?: true;
  readonly derivedFrom?: readonly string[];
  readonly method?: string;
  readonly sources?: readonly string[];
}

/** Whether the source states a recommendation's evidence level and strength. */
export type EvidenceStatus = 'stated' | 'partly-stated' | 'not-stated';

/** The evidence members of one recommendation: the stated grades, and the explicit status. */
export function evidenceMembers(evidence: Recommendation['evidence']): { evidenceStatus: EvidenceStatus; evidenceLevel?: string; strength?: string } {
  const { level, strength } = evidence;
  const stated = (level !== null ? 1 : 0) + (strength !== null ? 1 : 0);
  return {
    evidenceStatus: stated === 2 ? 'stated' : stated === 1 ? 'partly-stated' : 'not-stated',
    ...(level !== null ? { evidenceLevel: level } : {}),
    ...(strength !== null ? { strength } : {}),
  };
}

/** The extension member's name (reverse-DNS, CDS Hooks § Extensions). */
export const EXTENSION_KEY = 'org.hcc-cds';

/** Lists the known facts among `names` in extension form. */
export function extensionFacts(names: readonly string[], facts: Readonly<Record<string, Fact>>): ExtensionFact[] {
  const out: ExtensionFact[] = [];
  for (const name of names) {
    const fact = facts[name];
    if (fact === undefined || !fact.known) continue;
    out.push({
      name,
      value: fact.value,
      ...(fact.unit !== undefined ? { unit: fact.unit } : {}),
      ...(fact.effective !== undefined ? { effective: fact.effective } : {}),
      ...(fact.derived !== undefined
        ? { derived: true as const, ...(fact.derived.from.length > 0 ? { derivedFrom: fact.derived.from } : {}), method: fact.derived.method }
        : {}),
      ...(fact.sources.length > 0 ? { sources: fact.sources } : {}),
    });
  }
  return out;
}

/** The extension object of one card. */
export function cardExtension(
  recs: readonly Recommendation[],
  kbVersion: string,
  facts: readonly ExtensionFact[],
  extra: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  return {
    [EXTENSION_KEY]: {
      ...(recs.length > 0
        ? {
            recommendations: recs.map((r) => ({
              id: r.id,
              ...evidenceMembers(r.evidence),
              source: r.source.attribution,
              section: r.source.section,
              version: r.version,
              ...(r.rules !== undefined && r.rules.length > 0 ? { rules: r.rules } : {}),
            })),
          }
        : {}),
      kbVersion,
      ...(facts.length > 0 ? { facts } : {}),
      ...extra,
    },
  };
}
