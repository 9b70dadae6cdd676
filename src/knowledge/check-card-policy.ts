/**
 * Knowledge-base checks of what cards may say and how loudly (issue 9, README "Indicator policy"):
 * - `critical` only for a draft order that conflicts with a safety rule and needs action now: patient-view cards
 *   are info or warning; a critical order check must offer to act on the draft (a suggestion that deletes it);
 * - a patient-view summary must still fit under 140 characters, in both languages, once its slots are filled and
 *   the "(+N more recommendations)" suffix is added;
 * - shared texts use only the slots the renderer fills;
 * - a parameter of another source names it; every machine code a card can show has a display label; every
 *   fact a data-gap card can name (the facts the knowledge base reads and their inputs) has a display label.
 * @see https://cds-hooks.hl7.org/2.0/#card-attributes
 */
import type { FactDefinition } from '../mapping/types';
import { SUMMARY_LIMIT } from './check-texts';
import { LANGUAGES } from './localized';
import { renderTemplate, parseTemplate } from './template';
import type { KbTextKey, KnowledgeBase, KnowledgeBaseManifest, LocalizedText, Recommendation } from './types';

/** Width assumed for a filled slot when checking a summary's length (a grade, a date, a short value). */
export const SLOT_WIDTH = 10;

/** The slots each shared text may use; texts not listed take none. */
const TEXT_SLOTS: Partial<Readonly<Record<KbTextKey, readonly string[]>>> = {
  sectionCite: ['section'],
  moreRecommendationsOne: ['count'],
  moreRecommendationsOther: ['count'],
  dataGapSummaryOne: ['inputs', 'count'],
  dataGapSummaryOther: ['inputs', 'count'],
  dataGapUnlocksOne: ['count'],
  dataGapUnlocksOther: ['count'],
};

/** The shared texts' slots are the ones the renderer fills. */
export function checkKbTexts(manifest: KnowledgeBaseManifest): string[] {
  const p: string[] = [];
  for (const [key, text] of Object.entries(manifest.texts) as [KbTextKey, LocalizedText][]) {
    const allowed = TEXT_SLOTS[key] ?? [];
    for (const language of LANGUAGES) {
      for (const slot of parseTemplate(text[language]).slots) if (!allowed.includes(slot)) p.push(`kb.yaml texts.${key} [${language}]: unresolved placeholder {{${slot}}}`);
    }
  }
  return p;
}

function filledLength(source: string): number {
  return [...renderTemplate(parseTemplate(source), () => 'x'.repeat(SLOT_WIDTH))].length;
}

/** Indicator policy and summary length of one recommendation. */
export function checkCardPolicy(rec: Recommendation, where: string, kb: KnowledgeBase): string[] {
  const p: string[] = [];
  const card = rec.card;
  if (card !== undefined) {
    if (card.indicator === 'critical' || card.indicatorRules?.some((r) => r.indicator === 'critical')) {
      p.push(`${where} card: 'critical' is reserved for draft orders that conflict with a safety rule (orderChecks); patient-view cards are info or warning`);
    }
    for (const language of LANGUAGES) {
      const suffix = parseTemplate(kb.manifest.texts.moreRecommendationsOther[language]);
      const room = SUMMARY_LIMIT - [...renderTemplate(suffix, () => '99')].length;
      const length = filledLength(card.summary[language]);
      if (length >= room) p.push(`${where} card.summary [${language}]: ${length} characters with its slots filled; with "more recommendations" it must stay under ${SUMMARY_LIMIT} (at most ${room - 1})`);
    }
  }
  rec.orderChecks?.forEach((check, i) => {
    const at = `${where} orderChecks[${i}]`;
    if (check.indicator === 'critical' && !(check.suggestions ?? []).some((s) => kb.suggestions[s.use]?.deleteDraft !== undefined && s.when === undefined)) {
      p.push(`${at}: a critical check must offer to act on the draft now (an unconditional suggestion with deleteDraft); otherwise use warning`);
    }
    for (const language of LANGUAGES) {
      const length = filledLength(check.summary[language]);
      if (length >= SUMMARY_LIMIT) p.push(`${at}.summary [${language}]: ${length} characters with its slots filled (must be < ${SUMMARY_LIMIT})`);
    }
  });
  return p;
}

/** Parameter origins, value labels of machine codes and labels of every fact a card can name. */
export function checkDisplayData(kb: KnowledgeBase, facts: ReadonlyMap<string, FactDefinition>, used: ReadonlySet<string>): string[] {
  const p: string[] = [];
  const { manifest } = kb;
  for (const [name, spec] of Object.entries(manifest.parameters)) {
    if (spec.origin === 'other-source' && spec.originSource === undefined) p.push(`kb.yaml parameters.${name}: origin other-source needs originSource (the named source)`);
    if (spec.origin !== 'other-source' && spec.originSource !== undefined) p.push(`kb.yaml parameters.${name}: originSource is only for origin other-source`);
  }
  for (const fact of manifest.gatingFacts ?? []) if (!facts.has(fact)) p.push(`kb.yaml gatingFacts: unknown fact '${fact}'`);
  const reachable = new Set<string>();
  const walk = (name: string): void => {
    if (reachable.has(name) || !facts.has(name)) return;
    reachable.add(name);
    facts.get(name)?.derivedFrom?.forEach(walk);
  };
  used.forEach(walk);
  for (const name of [...reachable].sort()) {
    const def = facts.get(name);
    if (kb.factLabels[name] === undefined) p.push(`fact-labels.yaml: fact '${name}' can be named on a card (the knowledge base reads it or derives from it) but has no label`);
    for (const code of def?.codes ?? []) {
      if (/^(?=.*[a-z])[a-z0-9.-]+$/.test(code) && !/^\d/.test(code) && manifest.valueLabels?.[code] === undefined) p.push(`kb.yaml valueLabels: code '${code}' of fact '${name}' has no display label`);
    }
  }
  return p;
}
