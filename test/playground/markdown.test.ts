import fc from 'fast-check';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const md = require('../../src/playground/assets/markdown.js') as {
  render(markdown: string): string;
  escapeHtml(text: string): string;
  safeUrl(url: string): string | null;
};

const ALLOWED_TAG = /<\/?(p|h[1-6]|strong|em|del|code|pre|ul|ol|li|blockquote|table|thead|tbody|tr|th|td|hr|br)( (start|style)="[^"<>]*")?>|<a href="[^"<>]*" target="_blank" rel="noopener noreferrer">|<\/a>/g;

describe('card detail markdown renderer', () => {
  it('renders headings, emphasis, lists, code and tables', () => {
    const html = md.render(
      [
        '### Why',
        '',
        'The **Child-Pugh class** is *A* and ~~old~~ `cnlcStage` is IIIa.',
        '',
        '- one',
        '- two',
        '',
        '1. first',
        '2. second',
        '',
        '| fact | value |',
        '| --- | ---: |',
        '| albumin | 38 g/L |',
        '',
        '```',
        '<b>raw</b>',
        '```',
      ].join('\n'),
    );
    expect(html).toContain('<h3>Why</h3>');
    expect(html).toContain('<strong>Child-Pugh class</strong>');
    expect(html).toContain('<em>A</em>');
    expect(html).toContain('<del>old</del>');
    expect(html).toContain('<code>cnlcStage</code>');
    expect(html).toContain('<ul><li>one</li><li>two</li></ul>');
    expect(html).toContain('<ol><li>first</li><li>second</li></ol>');
    expect(html).toContain('<th>fact</th><th style="text-align:right">value</th>');
    expect(html).toContain('<td>albumin</td><td style="text-align:right">38 g/L</td>');
    expect(html).toContain('<pre><code>&lt;b&gt;raw&lt;/b&gt;</code></pre>');
  });

  it('escapes raw HTML instead of passing it through', () => {
    const html = md.render('Hello <script>alert(1)</script> <img src=x onerror=alert(1)>');
    expect(html).toBe('<p>Hello &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;</p>');
  });

  it('keeps http(s) links and drops javascript: and data: targets', () => {
    expect(md.render('[guide](https://example.org/a?b=1&c=2)')).toBe(
      '<p><a href="https://example.org/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">guide</a></p>',
    );
    expect(md.render('[x](javascript:alert(1))')).not.toContain('href');
    expect(md.render('[x](java\tscript:alert(1))')).not.toContain('href');
    expect(md.render('[x](data:text/html,<b>)')).not.toContain('href');
    expect(md.render('[x]("onmouseover="alert(1))')).not.toContain('onmouseover="');
  });

  it('honours backslash escapes and entity references as the card builder writes them', () => {
    expect(md.render('ALT 3\\*ULN, a\\_b, \\[x\\], 1 &lt; 2 &amp; &#35;')).toBe('<p>ALT 3*ULN, a_b, [x], 1 &lt; 2 &amp; &#35;</p>');
    expect(md.render('| a | b |\n|---|---|\n| x \\| y | &lt;b&gt; |')).toContain('<td>x | y</td><td>&lt;b&gt;</td>');
    expect(md.render('&lt;script&gt;alert(1)&lt;/script&gt;')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });

  it('renders Chinese text and line breaks', () => {
    expect(md.render('肝功能 **Child-Pugh A**  \n第二行')).toBe('<p>肝功能 <strong>Child-Pugh A</strong><br>第二行</p>');
  });

  it('returns an empty string for empty or non-string input', () => {
    expect(md.render('')).toBe('');
    expect(md.render(undefined as unknown as string)).toBe('');
  });

  it('never emits a tag it did not write, for any input', () => {
    const alphabet = fc.constantFrom('<', '>', '"', "'", '`', '*', '_', '~', '[', ']', '(', ')', '|', '-', '#', '\n', ' ', 'a', ':', '/', 'javascript:', 'https://x', '&', '\\', '1.', '>', '```', '\u0000');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }).map((parts) => parts.join('')), (input) => {
        const html = md.render(input);
        const stripped = html.replace(ALLOWED_TAG, '');
        expect(stripped).not.toMatch(/[<>]/);
        for (const match of html.matchAll(/href="([^"]*)"/g)) expect(match[1]).toMatch(/^(https?:\/\/|mailto:)/);
      }),
      { numRuns: 2000 },
    );
  });
});
