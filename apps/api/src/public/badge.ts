import type { OverallStatus } from '@sentrypulse/shared';
import { escapeHtml } from './markdown';

export const STATUS_COLOURS: Record<OverallStatus, string> = {
  operational: '#1a7f37',
  degraded: '#9a6700',
  partial_outage: '#bc4c00',
  major_outage: '#cf222e',
  maintenance: '#0969da',
};

/** Short badge wording; the long banner text would make a very wide badge. */
const STATUS_WORDS: Record<OverallStatus, string> = {
  operational: 'operational',
  degraded: 'degraded',
  partial_outage: 'partial outage',
  major_outage: 'major outage',
  maintenance: 'maintenance',
};

/** Approximate advance widths of Verdana 11 px, enough to size a badge without a font file. */
function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    if ('il.,:;|!\'`'.includes(ch)) w += 3.5;
    else if ('fjrt() '.includes(ch)) w += 4.5;
    else if ('mwMW%'.includes(ch)) w += 10;
    else if (/[A-Z]/.test(ch)) w += 7.5;
    else w += 6.8;
  }
  return Math.ceil(w);
}

export interface Badge {
  label: string;
  message: string;
  colour: string;
}

export function statusBadge(status: OverallStatus): Badge {
  return { label: 'status', message: STATUS_WORDS[status], colour: STATUS_COLOURS[status] };
}

export function uptimeBadge(uptime: number | null): Badge {
  if (uptime === null) return { label: 'uptime 90d', message: 'no data', colour: '#6e7781' };
  const colour = uptime >= 99.9 ? '#1a7f37' : uptime >= 99 ? '#4d7c0f' : uptime >= 95 ? '#bc4c00' : '#cf222e';
  return { label: 'uptime 90d', message: `${uptime.toFixed(2)}%`, colour };
}

/**
 * A flat, shields.io-like SVG badge. Every text is escaped; colours come only from the fixed
 * tables above, never from user input. White text on these colours is at least 4.5:1.
 */
export function renderBadge(b: Badge): string {
  const lw = textWidth(b.label) + 12;
  const mw = textWidth(b.message) + 12;
  const w = lw + mw;
  const label = escapeHtml(b.label);
  const message = escapeHtml(b.message);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${label}: ${message}">` +
    `<title>${label}: ${message}</title>` +
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>` +
    `<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>` +
    `<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${b.colour}"/>` +
    `<rect width="${w}" height="20" fill="url(#s)"/></g>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">` +
    `<text x="${lw / 2}" y="14">${label}</text><text x="${lw + mw / 2}" y="14">${message}</text></g></svg>`
  );
}
