/**
 * Text templates with `{{name}}` placeholders, parsed once at load time into literal and slot segments.
 */

/** A parsed template. */
export interface Template {
  readonly segments: readonly ({ readonly text: string } | { readonly slot: string })[];
  readonly slots: readonly string[];
}

const SLOT = /\{\{\s*([A-Za-z][A-Za-z0-9_.]*)\s*\}\}/g;

/** Parses a template string. */
export function parseTemplate(source: string): Template {
  const segments: ({ text: string } | { slot: string })[] = [];
  let last = 0;
  for (const match of source.matchAll(SLOT)) {
    const index = match.index ?? 0;
    if (index > last) segments.push({ text: source.slice(last, index) });
    segments.push({ slot: match[1] ?? '' });
    last = index + match[0].length;
  }
  if (last < source.length) segments.push({ text: source.slice(last) });
  const slots = [...new Set(segments.flatMap((s) => ('slot' in s ? [s.slot] : [])))];
  return { segments, slots };
}

/** Renders a template; `resolve` supplies each slot's text. */
export function renderTemplate(template: Template, resolve: (slot: string) => string): string {
  let out = '';
  for (const segment of template.segments) out += 'text' in segment ? segment.text : resolve(segment.slot);
  return out;
}

/** True when the string still contains `{{` or `}}` outside a valid placeholder (a malformed slot). */
export function hasMalformedSlot(source: string): boolean {
  return /\{\{|\}\}/.test(source.replace(SLOT, ''));
}

/** True when the string contains an angle-bracket placeholder such as `<stages from §4.2>`. */
export function hasAnglePlaceholder(source: string): boolean {
  return /<[^<>\n]*>/.test(source);
}
