import { describe, expect, it } from 'vitest';
import { escapeHtml, renderSafeMarkdown } from './markdown';
import { assertInertFragment as assertInert } from './test-support';

describe('renderSafeMarkdown', () => {
  const formatting: Array<[string, string, string]> = [
    ['bold', 'a **b** c', '<p>a <strong>b</strong> c</p>'],
    ['italic', '_x_', '<p><em>x</em></p>'],
    ['strikethrough', '~~old~~', '<p><s>old</s></p>'],
    ['inline code is escaped', '`<b>`', '<p><code>&lt;b&gt;</code></p>'],
    ['line breaks', 'one\ntwo', '<p>one<br>\ntwo</p>'],
    ['lists', '- a\n- b', '<ul>\n<li>a</li>\n<li>b</li>\n</ul>'],
    ['https link', '[docs](https://example.com/a?b=1&c=2)', '<p><a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer ugc">docs</a></p>'],
    ['mailto link', '[mail](mailto:ops@example.com)', '<p><a href="mailto:ops@example.com" rel="nofollow noopener noreferrer ugc">mail</a></p>'],
    ['headings are plain text', '# Big', '<p># Big</p>'],
  ];
  it.each(formatting)('renders %s', (_name, input, expected) => {
    expect(renderSafeMarkdown(input)).toBe(expected);
  });

  const attacks: Array<[string, string]> = [
    ['script tag', '<script>alert(1)</script>'],
    ['script tag split over lines', '<scr\nipt>alert(1)</script>'],
    ['img onerror', '<img src=x onerror=alert(1)>'],
    ['svg onload', '<svg onload=alert(1)>'],
    ['iframe', '<iframe src="javascript:alert(1)"></iframe>'],
    ['raw anchor with javascript:', '<a href="javascript:alert(1)">x</a>'],
    ['markdown javascript: link', '[click](javascript:alert(1))'],
    ['mixed-case javascript: link', '[click](JaVaScRiPt:alert(1))'],
    ['entity-encoded javascript: link', '[click](&#106;avascript:alert(1))'],
    ['tab inside javascript:', '[click](java\tscript:alert(1))'],
    ['data: link', '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['vbscript: link', '[click](vbscript:msgbox(1))'],
    ['autolink javascript:', '<javascript:alert(1)>'],
    ['image with onerror in title', '![x](https://example.com/x.png "a\\" onerror=\\"alert(1))'],
    ['link title breaking out', '[x](https://example.com "t\\" onmouseover=\\"alert(1)")'],
    ['style tag', '<style>body{display:none}</style>'],
    ['html comment', '<!-- <script>alert(1)</script> -->'],
  ];
  it.each(attacks)('renders a %s inert', (_name, input) => {
    const html = renderSafeMarkdown(input);
    assertInert(html);
    expect(html).not.toMatch(/<(script|img|svg|iframe|style)\b/i);
  });

  it('keeps the text of an attack visible (escaped), so readers see what was written', () => {
    expect(renderSafeMarkdown('<script>alert(1)</script>')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });

  it('cuts very long input', () => {
    expect(renderSafeMarkdown('a'.repeat(50_000)).length).toBeLessThan(20_100);
  });
});

describe('escapeHtml', () => {
  it.each([
    ['<b>&"\'', '&lt;b&gt;&amp;&quot;&#39;'],
    ['plain', 'plain'],
    ['ctl\u0000\u0008x', 'ctlx'],
  ])('escapes %j', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});
