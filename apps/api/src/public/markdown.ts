import MarkdownIt from 'markdown-it';

/**
 * The safe Markdown subset for incident updates and maintenance descriptions: paragraphs, line
 * breaks, emphasis, strikethrough, inline code, lists and links (http, https, mailto only).
 * Raw HTML is never passed through (markdown-it with `html: false` escapes it as text), images,
 * headings, tables and code blocks are off, and links get rel="nofollow noopener noreferrer ugc".
 * The output is therefore safe to place into a page as HTML; tests inject script tags, event
 * handler attributes and javascript: links to keep it that way.
 */
const md = new MarkdownIt('zero', { html: false, linkify: true, breaks: true, typographer: false })
  .enable(['list', 'emphasis', 'strikethrough', 'backticks', 'link', 'autolink', 'linkify', 'newline', 'escape', 'entity']);

const SAFE_LINK = /^(https?:\/\/|mailto:)/i;
md.validateLink = (url: string) => SAFE_LINK.test(url.trim());

const renderToken = md.renderer.renderToken.bind(md.renderer);
md.renderer.rules.link_open = (tokens, idx, options) => {
  const token = tokens[idx]!;
  token.attrSet('rel', 'nofollow noopener noreferrer ugc');
  token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'title');
  return renderToken(tokens, idx, options);
};

/** Markdown subset -> sanitised HTML. Input longer than `maxLength` is cut (messages are short). */
export function renderSafeMarkdown(text: string, maxLength = 20_000): string {
  const input = text.length > maxLength ? text.slice(0, maxLength) : text;
  return md.render(input).trim();
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML and XML (element content and quoted attributes); drops XML-invalid control characters. */
export function escapeHtml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}
