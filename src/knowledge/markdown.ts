/**
 * Escaping of data values placed into card `detail` (GitHub-flavoured markdown with no raw HTML): `&`, `<`, `>`
 * become entities so no tag can be formed, and markdown punctuation is backslash-escaped. A bare URL, `www.` name
 * or e-mail address in a data value must not become a link in the EHR's GFM renderer (autolinks extension):
 * renderers disagree on whether backslash escapes stop it, so a WORD JOINER (U+2060, invisible, no line break) is
 * put where every autolink rule needs a literal character: before the scheme's `:`, after `www`, after `@`.
 * @see https://github.github.com/gfm/#backslash-escapes
 * @see https://github.github.com/gfm/#autolinks-extension-
 */

const NEEDS_ESCAPE = /[&<>\\`*_[\]|#~\r\n@]|www\.|[a-z]:/i;
const WORD_JOINER = '\u2060';
const AUTOLINK_SCHEME = /(https?|ftp|mailto|xmpp|file|data|javascript)(?=:)/gi;
const AUTOLINK_WWW = /(www)(?=\.)/gi;
const LINE_BREAKS = /[\r\n]/;

/** Escapes a data value for markdown text (and table cells). */
export function escapeMarkdown(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1')
    .replace(/[\r\n]+/g, ' ')
    .replace(AUTOLINK_SCHEME, `$1${WORD_JOINER}`)
    .replace(AUTOLINK_WWW, `$1${WORD_JOINER}`)
    .replace(/@/g, `@${WORD_JOINER}`);
}

/** Limits a card summary to fewer than 140 characters (CDS Hooks), cutting on code points. */
export function clampSummary(summary: string, limit = 140): string {
  // UTF-16 length ≥ code points: a short string without line breaks is already fine.
  if (summary.length < limit && !LINE_BREAKS.test(summary)) return summary;
  const chars = [...summary.replace(/[\r\n]+/g, ' ')];
  return chars.length < limit ? chars.join('') : `${chars.slice(0, limit - 2).join('')}…`;
}
