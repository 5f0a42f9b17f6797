import type { PublicComponent, PublicIncident, PublicIncidentHistory, PublicMaintenance, PublicStatusPage, UptimeDay } from '@sentrypulse/shared';
import { createHash } from 'node:crypto';
import { badgePath, feedPath } from './api';
import { COMPONENT_TEXT, dayTone, formatDateTime, formatDay, formatDuration, formatPercent, INCIDENT_STATUS_TEXT, OVERALL_TEXT } from './format';
import { PAGE_CSS } from './page-css';
import { PAGE_SCRIPT } from './page-script';
import { subscribeForm } from './subscribe';

/**
 * The public status page as one HTML document, rendered from the public JSON with template
 * strings. Why not a React page: a page of 50 components x 90 days is ~4,500 cells, and an App
 * Router page ships them twice (HTML plus the hydration payload), ~1.4 MB, which capped `next
 * start` at ~70 req/s with a p99 of 600 ms (ADR 0072). Here each cell is one small element, the
 * document is built once per refresh and served from memory, pre-compressed.
 *
 * Every text a team wrote goes through esc(); incident and maintenance messages are the API's
 * sanitised Markdown HTML (raw HTML escaped, http/https/mailto links only). A strict CSP
 * (hash-pinned inline style and script, no other script) backs that up.
 */

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESC[c]!);
}

const TONE_CODE = { none: 'n', up: 'u', minor: 'm', major: 'j', down: 'd' } as const;

export function dayLabel(d: UptimeDay): string {
  if (d.uptime === null) return `${formatDay(d.date)}: no data`;
  return `${formatDay(d.date)}: ${formatPercent(d.uptime)} uptime${d.downtime_seconds ? `, ${formatDuration(d.downtime_seconds)} down` : ''}`;
}

function bar(c: PublicComponent): string {
  const cells = c.days.map((d) => `<i data-t="${TONE_CODE[dayTone(d.uptime)]}" role="img" tabindex="0" aria-label="${esc(dayLabel(d))}"></i>`).join('');
  return `<div class="sp-bar" role="group" aria-label="${esc(`${c.name}: daily uptime, oldest first`)}">${cells}</div>`;
}

function component(c: PublicComponent): string {
  const uptime = c.uptime_90d === null ? 'No data yet' : `${formatPercent(c.uptime_90d)} uptime (90 days)`;
  return `<li><div class="head"><h4>${esc(c.name)}</h4><p class="status c-${c.status}">${COMPONENT_TEXT[c.status]}</p></div>${bar(c)}<div class="range"><span><span class="r90">90 days ago</span><span class="r30">30 days ago</span></span><span>${uptime}</span><span>Today</span></div></li>`;
}

/** Components in their groups (consecutive ungrouped ones together), in the team's order. */
function components(list: PublicComponent[]): string {
  if (list.length === 0) return '<p class="card empty">No components are listed on this page yet.</p>';
  const groups: Array<{ group: string | null; items: PublicComponent[] }> = [];
  for (const c of list) {
    const existing = c.group === null ? undefined : groups.find((g) => g.group === c.group);
    const last = groups.at(-1);
    if (existing) existing.items.push(c);
    else if (c.group === null && last && last.group === null) last.items.push(c);
    else groups.push({ group: c.group, items: [c] });
  }
  return groups
    .map(
      (g) =>
        `<section class="group" aria-label="${esc(g.group ?? 'Components')}">${g.group ? `<h3>${esc(g.group)}</h3>` : ''}<ul>${g.items.map(component).join('')}</ul></section>`,
    )
    .join('');
}

const SEVERITY = { critical: 'Critical', major: 'Major', minor: 'Minor' } as const;

export function incident(i: PublicIncident): string {
  const updates = i.updates
    .map(
      (u) =>
        `<li><p class="small"><strong>${INCIDENT_STATUS_TEXT[u.status]}</strong> <span class="muted">· <time datetime="${esc(u.created_at)}">${formatDateTime(u.created_at)}</time></span></p><div class="msg">${u.message_html}</div></li>`,
    )
    .join('');
  return `<article class="card" id="incident-${i.id}" aria-labelledby="incident-${i.id}-t"><div class="head"><h3 id="incident-${i.id}-t">${esc(i.title)}</h3><p class="tiny muted">${SEVERITY[i.severity]} · ${INCIDENT_STATUS_TEXT[i.status]}</p></div>${
    i.components.length ? `<p class="small muted">Affects: ${esc(i.components.join(', '))}</p>` : ''
  }<ol class="timeline" aria-label="Updates, newest first">${updates}</ol></article>`;
}

function maintenance(m: PublicMaintenance): string {
  return `<li class="card maint"><div class="head"><h3>${esc(m.title)}</h3><p class="upper c-scheduled">${m.status === 'in_progress' ? 'In progress' : 'Scheduled'}</p></div><p class="small muted"><time datetime="${esc(m.starts_at)}">${formatDateTime(m.starts_at)}</time> – <time datetime="${esc(m.ends_at)}">${formatDateTime(m.ends_at)}</time></p>${
    m.components.length ? `<p class="small muted">Affects: ${esc(m.components.join(', '))}</p>` : ''
  }${m.description_html ? `<div class="msg">${m.description_html}</div>` : ''}</li>`;
}

const ICON = { operational: '✓', degraded: '!', partial_outage: '!', major_outage: '✕', maintenance: '⚙' } as const;

function main(p: PublicStatusPage): string {
  const parts = [
    `<section class="banner t-${p.status}" aria-labelledby="sp-overall"><div aria-live="polite"><h2 id="sp-overall"><span class="icon" aria-hidden="true">${ICON[p.status]}</span>${OVERALL_TEXT[p.status]}</h2><p>Updated <time datetime="${esc(p.generated_at)}">${formatDateTime(p.generated_at)}</time></p></div></section>`,
  ];
  if (p.active_incidents.length) {
    parts.push(`<section aria-labelledby="sp-active"><h2 id="sp-active">Active incidents</h2><div class="stack">${p.active_incidents.map(incident).join('')}</div></section>`);
  }
  if (p.maintenances.length) {
    parts.push(`<section aria-labelledby="sp-maintenance"><h2 id="sp-maintenance">Maintenance</h2><ul class="stack plain">${p.maintenances.map(maintenance).join('')}</ul></section>`);
  }
  parts.push(`<section aria-labelledby="sp-components"><h2 id="sp-components">Components</h2><div class="stack">${components(p.components)}</div></section>`);
  if (p.show_incident_history) {
    const past = p.past_incidents.length
      ? p.past_incidents.map(incident).join('') +
        (p.past_incidents_next_cursor ? `<p class="more"><a href="/status/${esc(p.slug)}/history?cursor=${esc(p.past_incidents_next_cursor)}">Older incidents</a></p>` : '')
      : '<p class="card empty">No incidents reported.</p>';
    parts.push(`<section aria-labelledby="sp-past"><h2 id="sp-past">Past incidents</h2><div class="stack">${past}</div></section>`);
  }
  return parts.join('');
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}
const SCRIPT_HASH = sha256(PAGE_SCRIPT);

export interface RenderedPage {
  html: string;
  /** Content-Security-Policy for this document (its inline style and script are hash-pinned). */
  csp: string;
}

/** The whole document around `mainHtml`: header with branding, footer links, CSS, script, CSP. */
function documentFor(p: Pick<PublicStatusPage, 'slug' | 'title' | 'description' | 'logo_url' | 'accent_color' | 'status'>, mainHtml: string, pageTitle: string, afterMain = '', withScript = true): RenderedPage {
  const accent = p.accent_color && /^#[0-9a-f]{6}$/i.test(p.accent_color) ? p.accent_color : '#0969da';
  const css = `${PAGE_CSS}.sp-status{--accent:${accent}}`;
  const title = esc(p.title);
  const slug = esc(p.slug);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(pageTitle)}</title><meta name="description" content="${esc(`${OVERALL_TEXT[p.status]}. ${p.description ?? ''}`.trim())}"><link rel="alternate" type="application/atom+xml" href="${feedPath(p.slug)}" title="${title} incidents"><style>${css}</style></head><body><div class="sp-status"><a class="skip" href="#sp-main">Skip to content</a><div class="accent" aria-hidden="true"></div><header class="top wrap">${
    p.logo_url ? `<img src="${esc(p.logo_url)}" alt="${title} logo" referrerpolicy="no-referrer">` : ''
  }<div><h1><a href="/status/${slug}">${title}</a></h1>${p.description ? `<p class="muted">${esc(p.description)}</p>` : ''}</div></header><main id="sp-main" class="wrap">${mainHtml}</main>${afterMain}<footer class="wrap"><nav class="links" aria-label="Status page links"><a href="/status/${slug}">Current status</a><a href="/status/${slug}/history">Incident history</a><a href="${feedPath(p.slug)}" type="application/atom+xml">Atom feed</a><a href="${badgePath(p.slug)}">Status badge</a></nav><p>Powered by <strong>SentryPulse</strong></p></footer></div>${withScript ? `<script>${PAGE_SCRIPT}</script>` : ''}</body></html>`;
  const csp = [
    "default-src 'none'",
    `style-src ${sha256(css)}`,
    withScript ? `script-src ${SCRIPT_HASH}` : "script-src 'none'",
    "img-src 'self' https: http:",
    "connect-src 'self'",
    "base-uri 'none'",
    // The subscribe, confirm, manage and unsubscribe forms post to this app's own routes.
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
  return { html, csp };
}

/** A page of the subscribe flow in the page's branding (same CSS, script and CSP). */
export function renderPlainPage(p: Pick<PublicStatusPage, 'slug' | 'title' | 'description' | 'logo_url' | 'accent_color' | 'status'>, mainHtml: string, pageTitle: string): RenderedPage {
  // No script: the self-refresh would re-GET a form or a one-time result (ADR 0134).
  return documentFor(p, mainHtml, pageTitle, '', false);
}

export function renderStatusPage(p: PublicStatusPage): RenderedPage {
  // Outside <main>, so the self-refresh (which swaps <main>) never clears a half-typed address.
  const subscribe = `<aside id="subscribe" class="wrap sp-aside" aria-labelledby="sp-sub-t">${subscribeForm(p, { compact: true })}</aside>`;
  return documentFor(p, main(p), `${p.title} status`, subscribe);
}

/** Resolved incidents, a page at a time, with plain links for paging (works without JavaScript). */
export function renderHistoryPage(p: PublicStatusPage, history: PublicIncidentHistory, cursor: string | undefined): RenderedPage {
  const slug = esc(p.slug);
  const items = history.items.length
    ? history.items.map(incident).join('')
    : `<p class="card empty">${cursor ? 'No older incidents.' : 'No incidents reported.'}</p>`;
  const nav = [
    cursor ? `<a href="/status/${slug}/history">Newest incidents</a>` : '',
    history.next_cursor ? `<a href="/status/${slug}/history?cursor=${esc(history.next_cursor)}">Older incidents</a>` : '',
  ].join('');
  const mainHtml = `<section aria-labelledby="sp-history"><h2 id="sp-history">Incident history</h2><div class="stack">${items}${nav ? `<nav class="links more" aria-label="History pages">${nav}</nav>` : ''}</div></section>`;
  return documentFor(p, mainHtml, `${p.title} incident history`);
}

export function renderNotFound(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Status page not found</title><style>${PAGE_CSS}</style></head><body><main id="sp-main" class="wrap center"><h1>Status page not found</h1><p class="muted">There is no public status page at this address.</p></main></body></html>`;
}

export function renderUnavailable(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Status temporarily unavailable</title><style>${PAGE_CSS}</style></head><body><main id="sp-main" class="wrap center"><h1>Status temporarily unavailable</h1><p class="muted">We could not load this status page just now. Please try again in a minute.</p></main></body></html>`;
}
