import type { PublicIncident } from '@sentrypulse/shared';
import { escapeHtml } from './markdown';

export interface FeedInput {
  title: string;
  /** Absolute URL of the page (used for the feed id and links). */
  pageUrl: string;
  /** Absolute URL of this feed. */
  feedUrl: string;
  incidents: PublicIncident[];
  /** Used as <updated> when there is no incident at all. */
  generatedAt: string;
}

const STATUS_WORD: Record<PublicIncident['status'], string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

function lastChange(i: PublicIncident): string {
  const times = [i.started_at, i.resolved_at ?? '', ...i.updates.map((u) => u.created_at)].filter(Boolean).sort();
  return times.at(-1)!;
}

/** "Acme" → "Acme status"; a page already titled "Acme Status" keeps its title (no "status status"). */
export function feedTitle(pageTitle: string): string {
  return /\bstatus\b/i.test(pageTitle) ? pageTitle : `${pageTitle} status`;
}

/**
 * An Atom 1.0 feed (RFC 4287) with one entry per incident; the entry's content is the update
 * timeline, newest first, as escaped HTML (the messages are already sanitised Markdown output).
 * Entries are ordered by their last change so a new update moves the incident to the top.
 */
export function buildAtomFeed(input: FeedInput): string {
  const entries = [...input.incidents].sort((a, b) => lastChange(b).localeCompare(lastChange(a)));
  const updated = entries[0] ? lastChange(entries[0]) : input.generatedAt;
  const x = escapeHtml;
  const parts = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `<id>${x(input.pageUrl)}</id>`,
    `<title>${x(feedTitle(input.title))}</title>`,
    `<updated>${x(updated)}</updated>`,
    // RFC 4287 4.1.1: a feed has an author unless every entry has one, so also when it has none.
    `<author><name>${x(input.title)}</name></author>`,
    `<link rel="alternate" type="text/html" href="${x(input.pageUrl)}"/>`,
    `<link rel="self" type="application/atom+xml" href="${x(input.feedUrl)}"/>`,
    '<generator>SentryPulse</generator>',
  ];
  for (const i of entries) {
    const timeline = i.updates
      .map((u) => `<p><strong>${x(STATUS_WORD[u.status])}</strong> <small>${x(u.created_at)}</small></p>${u.message_html}`)
      .join('\n');
    const affected = i.components.length ? `<p>Affected: ${x(i.components.join(', '))}</p>` : '';
    parts.push(
      '<entry>',
      `<id>${x(`${input.pageUrl}#incident-${i.id}`)}</id>`,
      `<title>${x(`[${STATUS_WORD[i.status]}] ${i.title}`)}</title>`,
      `<published>${x(i.started_at)}</published>`,
      `<updated>${x(lastChange(i))}</updated>`,
      `<link rel="alternate" type="text/html" href="${x(`${input.pageUrl}#incident-${i.id}`)}"/>`,
      `<author><name>${x(input.title)}</name></author>`,
      `<content type="html">${x(affected + timeline)}</content>`,
      '</entry>',
    );
  }
  parts.push('</feed>');
  return parts.join('\n');
}
