import { expect } from 'vitest';

/** The real tags of an HTML text (escaped text like `&lt;img ...&gt;` is not a tag). */
export function realTags(html: string): string[] {
  return [...html.matchAll(/<[a-zA-Z][^>]*>/g)].map((m) => m[0]);
}

const DANGEROUS_URL = /(href|src|action|formaction|xlink:href)\s*=\s*["']?\s*(javascript|vbscript|data):/i;

/** A sanitised fragment (rendered Markdown): only harmless tags, no handlers, no script URLs. */
export function assertInertFragment(html: string) {
  for (const tag of realTags(html)) {
    expect(tag).toMatch(/^<(p|br|strong|em|s|code|ul|ol|li|a)\b/);
    expect(attributeNames(tag)).not.toContainEqual(expect.stringMatching(/^on/i));
    expect(tag).not.toMatch(DANGEROUS_URL);
  }
}

/** Attribute names of a tag, ignoring quoted values (where `onx=` is harmless text). */
export function attributeNames(tag: string): string[] {
  const bare = tag.replace(/"[^"]*"|'[^']*'/g, '""').replace(/^<[a-zA-Z0-9]+/, '').replace(/\/?>$/, '');
  return [...bare.matchAll(/([^\s=]+)(?:\s*=\s*(?:""|[^\s>]+))?/g)].map((m) => m[1]!);
}

/**
 * A whole page (which has its own framework scripts): nothing a team wrote became markup.
 * `marker` is a string contained in every injected payload.
 */
export function assertNoInjectedMarkup(html: string, marker: string) {
  for (const tag of realTags(html)) {
    // Escaped text inside a quoted attribute value (a <meta> description, say) is inert.
    if (tag.replace(/"[^"]*"|'[^']*'/g, '""').includes(marker)) throw new Error(`injected markup survived: ${tag}`);
    expect(attributeNames(tag)).not.toContainEqual(expect.stringMatching(/^on/i));
    expect(tag).not.toMatch(DANGEROUS_URL);
  }
  // A script element whose code is the payload (framework data scripts may carry the text as an
  // escaped JSON string, which is inert).
  expect(html).not.toMatch(new RegExp(`<script[^>]*>\\s*alert\\([^)]*${marker}`, 'i'));
}
