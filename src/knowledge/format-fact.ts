/** Human-readable rendering of fact and parameter values for card text, in the request language. */
import type { Fact } from '../domain/facts';
import type { Language } from '../pipeline/engine';
import { withUnit } from './format-unit';
import type { KnowledgeBase } from './types';

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(2)));
}

/** Formats a plain value (number, code, boolean, date, list) without its unit; machine codes get their label. */
export function formatValue(value: unknown, language: Language, kb: KnowledgeBase): string {
  if (typeof value === 'boolean') return kb.manifest.texts[value ? 'yes' : 'no'][language];
  if (typeof value === 'number') return formatNumber(value);
  if (Array.isArray(value)) return value.map((v) => formatValue(v, language, kb)).join(', ');
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return value.slice(0, 10);
    return kb.manifest.valueLabels?.[value]?.[language] ?? value;
  }
  return String(value);
}

/** Formats a number with its (display-form) unit. */
export function formatQuantity(value: number, unit: string | undefined): string {
  return withUnit(formatNumber(value), unit);
}

/** Formats a fact as "value unit", or the "unknown" text when it is not known. */
export function formatFact(fact: Fact | undefined, language: Language, kb: KnowledgeBase): string {
  if (fact === undefined || !fact.known) return kb.manifest.texts.unknownValue[language];
  if (typeof fact.value === 'number') return formatQuantity(fact.value, fact.unit);
  return formatValue(fact.value, language, kb);
}

/** The display label of a fact (fact-labels.yaml), or its name. */
export function factLabel(name: string, language: Language, kb: KnowledgeBase): string {
  return kb.factLabels[name]?.[language] ?? name;
}
