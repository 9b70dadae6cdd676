/** Human-readable rendering of fact and parameter values for card text, in the request language. */
import type { Fact } from '../domain/facts';
import type { Language } from '../pipeline/engine';
import type { KnowledgeBase } from './types';

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(2)));
}

/** Formats a plain value (number, code, boolean, date, list) without its unit. */
export function formatValue(value: unknown, language: Language, kb: KnowledgeBase): string {
  if (typeof value === 'boolean') return kb.manifest.texts[value ? 'yes' : 'no'][language];
  if (typeof value === 'number') return formatNumber(value);
  if (Array.isArray(value)) return value.map((v) => formatValue(v, language, kb)).join(', ');
  if (typeof value === 'string') return /^\d{4}-\d{2}-\d{2}T/.test(value) ? value.slice(0, 10) : value;
  return String(value);
}

/** Formats a fact as "value unit", or the "unknown" text when it is not known. */
export function formatFact(fact: Fact | undefined, language: Language, kb: KnowledgeBase): string {
  if (fact === undefined || !fact.known) return kb.manifest.texts.unknownValue[language];
  const value = formatValue(fact.value, language, kb);
  return fact.unit !== undefined && typeof fact.value === 'number' ? `${value} ${fact.unit}` : value;
}

/** The display label of a fact (fact-labels.yaml), or its name. */
export function factLabel(name: string, language: Language, kb: KnowledgeBase): string {
  return kb.factLabels[name]?.[language] ?? name;
}
