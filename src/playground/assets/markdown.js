/**
 * A small GitHub-flavoured-markdown subset renderer for card `detail` (CDS Hooks 2.0.1 § Card: detail is
 * GFM). Every character of the input is HTML-escaped; the only tags in the output are the ones this file
 * writes, and links keep only http(s) and mailto targets (cds-hooks.md §5: the sandbox passes raw HTML
 * through, we never do). Works in the browser (window.HccMarkdown) and in Node (module.exports) for tests.
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.HccMarkdown = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  var ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

  /** Escapes text for HTML element content and double-quoted attribute values. */
  function escapeHtml(text) {
    return String(text).replace(/[&<>"'`]/g, function (c) { return ESCAPES[c]; });
  }

  /** Returns the URL when its scheme is allowed (http, https, mailto), else null. */
  function safeUrl(url) {
    var trimmed = String(url).trim();
    // Strip characters browsers ignore inside a scheme before testing it (e.g. "java\tscript:").
    var probe = trimmed.replace(/[\u0000-\u0020\u007f]/g, '').toLowerCase();
    if (/^(https?:\/\/|mailto:)/.test(probe)) return trimmed;
    return null;
  }

  var PLACEHOLDER = '\u0000';

  /** Renders inline markdown (code, links, bold, italic, strikethrough, line breaks) of one text run. */
  function inline(text) {
    var stash = [];
    function keep(html) { stash.push(html); return PLACEHOLDER + (stash.length - 1) + PLACEHOLDER; }
    var src = String(text).replace(/\u0000/g, '');
    // Code spans first: their content is literal.
    src = src.replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, function (_m, _t, code) {
      return keep('<code>' + escapeHtml(code.trim()) + '</code>');
    });
    // Backslash escapes of ASCII punctuation (GFM §2.4) stand for the literal character.
    src = src.replace(/\\([!-\/:-@\[-`{-~])/g, function (_m, ch) { return keep(escapeHtml(ch)); });
    // Links [label](url "title"): label is rendered inline, url is checked.
    src = src.replace(/\[([^\]]*)\]\(\s*<?([^\s)>]*)>?(?:\s+"[^"]*")?\s*\)/g, function (m, label, url) {
      var ok = safeUrl(url);
      if (ok === null) return keep(escapeHtml(label));
      return keep('<a href="' + escapeHtml(ok) + '" target="_blank" rel="noopener noreferrer">' + inline(label) + '</a>');
    });
    // Bare autolinks <https://…>.
    src = src.replace(/<(https?:\/\/[^\s<>]+)>/g, function (m, url) {
      return keep('<a href="' + escapeHtml(url) + '" target="_blank" rel="noopener noreferrer">' + escapeHtml(url) + '</a>');
    });
    // Entity references (GFM §2.5) stay entities: they are inert text and never form a tag.
    var html = escapeHtml(src).replace(/&amp;(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g, '&$1;');
    html = html
      .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
      .replace(/__(?=\S)([\s\S]*?\S)__/g, '<strong>$1</strong>')
      .replace(/(^|[^*\w])\*(?=\S)([^*]*?\S)\*(?!\*)/g, '$1<em>$2</em>')
      .replace(/(^|[^_\w])_(?=\S)([^_]*?\S)_(?![_\w])/g, '$1<em>$2</em>')
      .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '<del>$1</del>')
      .replace(/ {2,}\n|\\\n/g, '<br>');
    return html.replace(/\u0000(\d+)\u0000/g, function (_m, i) { return stash[Number(i)]; });
  }

  function splitRow(line) {
    var s = line.trim();
    if (s.charAt(0) === '|') s = s.slice(1);
    if (s.charAt(s.length - 1) === '|' && s.charAt(s.length - 2) !== '\\') s = s.slice(0, -1);
    var cells = [];
    var cur = '';
    for (var i = 0; i < s.length; i++) {
      var c = s.charAt(i);
      if (c === '\\' && s.charAt(i + 1) === '|') { cur += '|'; i++; continue; }
      if (c === '|') { cells.push(cur.trim()); cur = ''; continue; }
      cur += c;
    }
    cells.push(cur.trim());
    return cells;
  }

  var RE = {
    fence: /^\s{0,3}(```|~~~)/,
    heading: /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/,
    hr: /^\s{0,3}([-*_])(\s*\1){2,}\s*$/,
    quote: /^\s{0,3}>\s?(.*)$/,
    ul: /^\s{0,3}[-*+]\s+(.*)$/,
    ol: /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/,
    tableSep: /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/,
    blank: /^\s*$/,
  };

  function isBlockStart(line, next) {
    return RE.fence.test(line) || RE.heading.test(line) || RE.hr.test(line) || RE.quote.test(line) ||
      RE.ul.test(line) || RE.ol.test(line) || (line.indexOf('|') >= 0 && next !== undefined && RE.tableSep.test(next));
  }

  /** Renders block markdown to HTML (paragraphs, headings, lists, tables, quotes, code fences, rules). */
  function blocks(lines) {
    var out = [];
    var i = 0;
    while (i < lines.length) {
      var line = lines[i];
      var next = lines[i + 1];
      var m;
      if (RE.blank.test(line)) { i++; continue; }
      if ((m = RE.fence.exec(line))) {
        var fence = m[1];
        var code = [];
        i++;
        while (i < lines.length && lines[i].trim().indexOf(fence) !== 0) { code.push(lines[i]); i++; }
        i++;
        out.push('<pre><code>' + escapeHtml(code.join('\n')) + '</code></pre>');
        continue;
      }
      if ((m = RE.heading.exec(line))) {
        var level = m[1].length;
        out.push('<h' + level + '>' + inline(m[2]) + '</h' + level + '>');
        i++;
        continue;
      }
      if (RE.hr.test(line)) { out.push('<hr>'); i++; continue; }
      if (RE.quote.test(line)) {
        var quoted = [];
        while (i < lines.length && (m = RE.quote.exec(lines[i]))) { quoted.push(m[1]); i++; }
        out.push('<blockquote>' + blocks(quoted) + '</blockquote>');
        continue;
      }
      if (line.indexOf('|') >= 0 && next !== undefined && RE.tableSep.test(next)) {
        var head = splitRow(line);
        var aligns = splitRow(next).map(function (c) {
          var l = c.charAt(0) === ':';
          var r = c.charAt(c.length - 1) === ':';
          return l && r ? 'center' : r ? 'right' : l ? 'left' : '';
        });
        var cell = function (tag, text, k) {
          var a = aligns[k] ? ' style="text-align:' + aligns[k] + '"' : '';
          return '<' + tag + a + '>' + inline(text) + '</' + tag + '>';
        };
        var html = '<table><thead><tr>' + head.map(function (c, k) { return cell('th', c, k); }).join('') + '</tr></thead><tbody>';
        i += 2;
        while (i < lines.length && !RE.blank.test(lines[i]) && lines[i].indexOf('|') >= 0) {
          var cells = splitRow(lines[i]);
          html += '<tr>' + head.map(function (_h, k) { return cell('td', cells[k] || '', k); }).join('') + '</tr>';
          i++;
        }
        out.push(html + '</tbody></table>');
        continue;
      }
      if (RE.ul.test(line) || RE.ol.test(line)) {
        var ordered = !RE.ul.test(line);
        var itemRe = ordered ? RE.ol : RE.ul;
        var items = [];
        var start = ordered ? Number(RE.ol.exec(line)[1]) : 1;
        while (i < lines.length) {
          var cur = lines[i];
          if ((m = itemRe.exec(cur))) { items.push([ordered ? m[2] : m[1]]); i++; continue; }
          if (!RE.blank.test(cur) && /^\s{2,}\S/.test(cur) && items.length > 0) { items[items.length - 1].push(cur.replace(/^\s{2,4}/, '')); i++; continue; }
          if (!RE.blank.test(cur) && !isBlockStart(cur, lines[i + 1]) && items.length > 0 && !RE.blank.test(lines[i - 1])) {
            items[items.length - 1].push(cur.trim()); i++; continue;
          }
          break;
        }
        var tag = ordered ? 'ol' : 'ul';
        var open = ordered && start !== 1 ? '<ol start="' + start + '">' : '<' + tag + '>';
        out.push(open + items.map(function (item) {
          var nested = item.slice(1).some(function (l) { return RE.ul.test(l) || RE.ol.test(l); });
          if (!nested) return '<li>' + inline(item.join('\n')) + '</li>';
          var k = 1;
          while (k < item.length && !(RE.ul.test(item[k]) || RE.ol.test(item[k]))) k++;
          return '<li>' + inline(item.slice(0, k).join('\n')) + blocks(item.slice(k)) + '</li>';
        }).join('') + '</' + tag + '>');
        continue;
      }
      var para = [line];
      i++;
      while (i < lines.length && !RE.blank.test(lines[i]) && !isBlockStart(lines[i], lines[i + 1])) { para.push(lines[i]); i++; }
      out.push('<p>' + inline(para.join('\n')) + '</p>');
    }
    return out.join('\n');
  }

  /** Renders markdown to sanitised HTML: escapes everything, emits only its own tags. */
  function render(markdown) {
    if (typeof markdown !== 'string' || markdown.length === 0) return '';
    return blocks(markdown.replace(/\r\n?/g, '\n').split('\n'));
  }

  return { render: render, escapeHtml: escapeHtml, safeUrl: safeUrl };
});
