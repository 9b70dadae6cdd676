/**
 * Escaping of data values placed into card `detail` (GitHub-flavoured markdown with no raw HTML): `&`, `<`, `>`
 * become entities so no tag can be formed, and markdown punctuation is backslash-escaped.
 * @see https://github.github.com/gfm/#backslash-escapes
 */

const NEEDS_ESCAPE = /[&<>\\`*_[\]|#~\r\n]/;
const LINE_BREAKS = /[\r\n]/;

/** Escapes a data value for markdown text (and table cells). */
export function escapeMarkdown(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1')
    .replace(/[\r\n]+/g, ' ');
}

/** Limits a card summary to fewer than 140 characters (CDS Hooks), cutting on code points. */
export function clampSummary(summary: string, limit = 140): string {
  // UTF-16 length ≥ code points: a short string without line breaks is already fine.
  if (summary.length < limit && !LINE_BREAKS.test(summary)) return summary;
  const chars = [...summary.replace(/[\r\n]+/g, ' ')];
  return chars.length < limit ? chars.join('') : `${chars.slice(0, limit - 2).join('')}…`;
}
