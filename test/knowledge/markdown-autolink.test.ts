/**
 * Issue 11: a bare URL, `www.` name or e-mail address inside patient-supplied text (a data value placed into card
 * `detail`) must not become a link, neither in a GFM renderer with the autolinks extension (marked, gfm on) nor in
 * the playground's renderer. The escaped text still reads the same (the inserted WORD JOINER is invisible).
 */
import { marked } from 'marked';
import { escapeMarkdown } from '../../src/knowledge/markdown';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const playground = require('../../src/playground/assets/markdown.js') as { render(markdown: string): string };

const VALUES = [
  'see https://evil.example/phish now',
  'HTTP://EVIL.EXAMPLE',
  'xhttps://evil.example',
  'ftp://files.example/a',
  'www.evil.example/path',
  'contact zhang.san@example.com',
  'mailto:zhang@example.com',
  '<https://evil.example>',
  '[click](https://evil.example)',
  'javascript:alert(1)',
];

describe('escapeMarkdown: no autolinks from data values', () => {
  it.each(VALUES)('%s renders without a link in GFM (marked) and in the playground renderer', (value) => {
    const detail = `Medication: ${escapeMarkdown(value)}`;
    expect(marked.parse(detail, { gfm: true, async: false })).not.toMatch(/<a\s/i);
    expect(playground.render(detail)).not.toMatch(/<a\s/i);
  });

  it('keeps the visible text (only invisible word joiners are added)', () => {
    const text = marked.parse(escapeMarkdown('see https://evil.example/phish and www.x.example, a@b.example'), { gfm: true, async: false });
    expect(text.replace(/\u2060/g, '')).toContain('see https://evil.example/phish and www.x.example, a@b.example');
  });

  it('the same text unescaped would be linked (the check can fail)', () => {
    expect(marked.parse('see https://evil.example/phish', { gfm: true, async: false })).toMatch(/<a\s/);
  });

  it('leaves ordinary values untouched', () => {
    for (const value of ['Child-Pugh A', '10:30', 'AFP 400 ng/mL', '索拉非尼']) expect(escapeMarkdown(value)).toBe(value);
  });
});
