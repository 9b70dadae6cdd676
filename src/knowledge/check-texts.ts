/**
 * Checks of the texts of the knowledge base: every `{{slot}}` resolves, summaries stay under the CDS Hooks
 * limit in every language, no `<…>` placeholder and no malformed slot is left anywhere.
 * @see https://cds-hooks.hl7.org/2.0/#card-attributes (summary < 140 characters)
 */
import type { LocalizedText } from './types';
import { LANGUAGES } from './localized';
import { hasAnglePlaceholder, hasMalformedSlot, parseTemplate } from './template';

/** CDS Hooks: a card summary is shorter than 140 characters. */
export const SUMMARY_LIMIT = 140;

/** Checks that every slot of a localized template is allowed, and the length limit when given. */
export function checkTemplateText(text: LocalizedText, where: string, allowed: (slot: string) => boolean, maxLength?: number): string[] {
  const problems: string[] = [];
  for (const language of LANGUAGES) {
    const source = text[language];
    for (const slot of parseTemplate(source).slots) {
      if (!allowed(slot)) problems.push(`${where} [${language}]: unresolved placeholder {{${slot}}}`);
    }
    if (maxLength !== undefined && [...source].length >= maxLength) {
      problems.push(`${where} [${language}]: summary has ${[...source].length} characters (must be < ${maxLength})`);
    }
  }
  return problems;
}

/** Walks every string of a document: `<…>` placeholders, malformed slots, and slots outside template fields. */
export function checkStrings(doc: unknown, where: string, isTemplatePath: (path: string) => boolean): string[] {
  const problems: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      if (hasAnglePlaceholder(value)) problems.push(`${where}${path}: contains a <…> placeholder`);
      if (hasMalformedSlot(value)) problems.push(`${where}${path}: malformed {{ }} placeholder`);
      if (!isTemplatePath(path) && parseTemplate(value).slots.length > 0) problems.push(`${where}${path}: placeholders are not allowed here`);
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
  };
  walk(doc, '');
  return problems;
}
