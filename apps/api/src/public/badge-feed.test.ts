import type { PublicIncident } from '@sentrypulse/shared';
import { parseFeed } from '@rowanmanning/feed-parser';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { renderBadge, statusBadge, uptimeBadge } from './badge';
import { buildAtomFeed, feedTitle } from './feed';
import { renderSafeMarkdown } from './markdown';

describe('badges', () => {
  it.each([
    ['operational', 'operational', '#1a7f37'],
    ['degraded', 'degraded', '#9a6700'],
    ['partial_outage', 'partial outage', '#bc4c00'],
    ['major_outage', 'major outage', '#cf222e'],
    ['maintenance', 'maintenance', '#0969da'],
  ] as const)('status %s reads "%s" on %s', (status, words, colour) => {
    const svg = renderBadge(statusBadge(status));
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain(`>${words}</text>`);
    expect(svg).toContain(`fill="${colour}"`);
    expect(svg).toContain(`aria-label="status: ${words}"`);
  });

  it.each([
    [100, '100.00%', '#1a7f37'],
    [99.95, '99.95%', '#1a7f37'],
    [99.5, '99.50%', '#4d7c0f'],
    [96, '96.00%', '#bc4c00'],
    [80.12, '80.12%', '#cf222e'],
    [null, 'no data', '#6e7781'],
  ])('uptime %s reads %s', (uptime, text, colour) => {
    const svg = renderBadge(uptimeBadge(uptime));
    expect(svg).toContain(`>${text}</text>`);
    expect(svg).toContain(`fill="${colour}"`);
  });

  it('grows with its text', () => {
    const narrow = Number(/width="(\d+)"/.exec(renderBadge(statusBadge('degraded')))![1]);
    const wide = Number(/width="(\d+)"/.exec(renderBadge(statusBadge('partial_outage')))![1]);
    expect(wide).toBeGreaterThan(narrow);
  });
});

function incident(over: Partial<PublicIncident>): PublicIncident {
  return {
    id: 1,
    title: 'API errors',
    status: 'resolved',
    severity: 'major',
    components: ['API'],
    started_at: '2026-11-28T10:00:00.000Z',
    resolved_at: '2026-11-28T11:00:00.000Z',
    updates: [],
    ...over,
  };
}

describe('buildAtomFeed', () => {
  const base = {
    title: 'Acme',
    pageUrl: 'https://status.example.com/status/acme',
    feedUrl: 'https://status.example.com/api/public/status-pages/acme/feed.atom',
    generatedAt: '2026-11-29T00:00:00.000Z',
  };

  it('is a valid-looking Atom document with no entries when there are no incidents', () => {
    const xml = buildAtomFeed({ ...base, incidents: [] });
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
    expect(xml).toContain('<updated>2026-11-29T00:00:00.000Z</updated>');
    expect(xml).toContain('<title>Acme status</title>');
    expect(xml).not.toContain('<entry>');
    expect(xml.trim().endsWith('</feed>')).toBe(true);
  });

  it('orders entries by their last change and carries the timeline', () => {
    const older = incident({ id: 1, title: 'Old', updates: [] });
    const newer = incident({
      id: 2,
      title: 'New',
      status: 'monitoring',
      resolved_at: null,
      started_at: '2026-11-27T00:00:00.000Z',
      updates: [
        { status: 'monitoring', message: 'Fix **deployed**', message_html: renderSafeMarkdown('Fix **deployed**'), created_at: '2026-11-29T09:00:00.000Z' },
      ],
    });
    const xml = buildAtomFeed({ ...base, incidents: [older, newer] });
    expect(xml.indexOf('<title>[Monitoring] New</title>')).toBeLessThan(xml.indexOf('<title>[Resolved] Old</title>'));
    expect(xml).toContain('<updated>2026-11-29T09:00:00.000Z</updated>');
    expect(xml).toContain('&lt;strong&gt;deployed&lt;/strong&gt;');
    expect(xml).toContain('<id>https://status.example.com/status/acme#incident-2</id>');
  });

  it('escapes titles and messages so the XML stays well-formed and inert', () => {
    const evil = incident({
      title: '</title><script>alert(1)</script> & more',
      components: ['<b>db</b>'],
      updates: [{ status: 'resolved', message: '<img src=x onerror=alert(1)>', message_html: renderSafeMarkdown('<img src=x onerror=alert(1)>'), created_at: '2026-11-28T11:00:00.000Z' }],
    });
    const xml = buildAtomFeed({ ...base, title: 'A & B <c>', incidents: [evil] });
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('<img');
    expect(xml).not.toContain('<b>db');
    expect(xml).toContain('&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(xml).toContain('<title>A &amp; B &lt;c&gt; status</title>');
    // Only the tags we wrote are present: every '<' starts a known Atom element.
    const tags = [...xml.matchAll(/<\/?([a-z?]+)/g)].map((m) => m[1]);
    expect(new Set(tags)).toEqual(new Set(['?xml', 'feed', 'id', 'title', 'updated', 'link', 'generator', 'entry', 'published', 'author', 'name', 'content']));
  });

  // Read by tools nobody here wrote: xmllint (libxml2-utils, in scripts/bootstrap.sh) for
  // well-formedness, and @rowanmanning/feed-parser as a reader would.
  function xmllint(xml: string) {
    const run = spawnSync('xmllint', ['--noout', '-'], { input: xml, encoding: 'utf8', timeout: 10_000 });
    if (run.error) throw new Error(`xmllint is not installed (apt-get install libxml2-utils): ${run.error.message}`);
    return { code: run.status, errors: run.stderr };
  }

  it('does not double "status" in the title, and keeps an author when there are no entries (RFC 4287 4.1.1)', () => {
    expect(feedTitle('Acme')).toBe('Acme status');
    expect(feedTitle('Acme Status')).toBe('Acme Status');
    expect(feedTitle('Statuspage of Acme')).toBe('Statuspage of Acme status');
    for (const title of ['Acme', 'Acme status']) {
      const xml = buildAtomFeed({ ...base, title, incidents: [] });
      expect(xmllint(xml)).toEqual({ code: 0, errors: '' });
      const feed = parseFeed(xml);
      expect(feed.meta.type).toBe('atom');
      expect(feed.title).toBe('Acme status');
      expect(feed.authors.map((a) => a.name)).toEqual([title]);
      expect(feed.items).toEqual([]);
      expect(feed.url).toBe(base.pageUrl);
      expect(feed.self).toBe(base.feedUrl);
    }
  });

  it('parses as a feed reader sees it: entries with ids, links, dates, authors and HTML content', () => {
    const xml = buildAtomFeed({
      ...base,
      title: 'A & B <c>',
      incidents: [
        incident({ id: 7, title: 'API <down> & "slow"', status: 'resolved', updates: [{ status: 'resolved', message: 'ok', message_html: renderSafeMarkdown('Back **up**'), created_at: '2026-11-28T11:00:00.000Z' }] }),
        incident({ id: 8, title: 'Queue', status: 'investigating', resolved_at: null, components: ['Jobs'] }),
      ],
    });
    expect(xmllint(xml)).toEqual({ code: 0, errors: '' });
    const feed = parseFeed(xml);
    expect(feed.title).toBe('A & B <c> status');
    expect(feed.items.map((i) => i.id)).toEqual(expect.arrayContaining([`${base.pageUrl}#incident-7`, `${base.pageUrl}#incident-8`]));
    const seven = feed.items.find((i) => i.id === `${base.pageUrl}#incident-7`)!;
    expect(seven.title).toBe('[Resolved] API <down> & "slow"');
    expect(seven.url).toBe(`${base.pageUrl}#incident-7`);
    expect(seven.updated?.toISOString()).toBe('2026-11-28T11:00:00.000Z');
    expect(seven.authors.map((a) => a.name)).toEqual(['A & B <c>']);
    expect(seven.content).toContain('<strong>up</strong>');
    expect(feed.items.find((i) => i.id?.endsWith('-8'))!.content).toContain('Affected: Jobs');
  });
});
