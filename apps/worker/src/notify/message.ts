import { formatResponseTime, type AlertEventType, type IncidentCause, type WebhookPayload } from '@sentrypulse/shared';

/**
 * Notifier payloads as pure functions (SPEC 1): everything a provider sends is built here from
 * plain data, so the wording, escaping and links are tested without servers.
 */

export interface AlertIncident {
  id: number;
  title: string;
  status: string;
  severity: string;
  /** What an automatic incident is about (null: manual or certificate). */
  cause: IncidentCause | null;
  started_at: Date;
  resolved_at: Date | null;
}

export interface AlertMonitor {
  id: number;
  name: string;
  type: string;
  url: string | null;
  host: string | null;
  port: number | null;
  status: string;
  last_error: string | null;
  cert_expires_at: Date | null;
  degraded_threshold_ms: number | null;
}

export interface AlertInput {
  eventType: AlertEventType;
  teamId: number;
  channelName: string;
  occurredAt: Date;
  incident: AlertIncident | null;
  monitor: AlertMonitor | null;
  /** The newest check's HTTP status code, when the monitor has one. */
  statusCode: number | null;
  /** A performance incident's slow response time (the newest slow check up to the event). */
  responseTimeMs: number | null;
  /** The incident update an `incident.updated` event is about. */
  update: { status: string; message: string } | null;
}

export interface AlertContent {
  /** One line a person can triage from a lock screen: "DOWN: api.example.com — 503". */
  subject: string;
  /** Plain-text body (email text part, WhatsApp text). */
  text: string;
  html: string;
  /** Telegram MarkdownV2, every reserved character escaped. */
  markdownV2: string;
  /** WhatsApp template body parameters: {{1}} headline, {{2}} details, {{3}} link. */
  templateParams: [string, string, string];
  link: string;
  webhook: WebhookPayload;
}

/** Telegram MarkdownV2 reserved characters (Bot API "Formatting options"); `\` escapes itself. */
const MD_RESERVED = /[_*[\]()~`>#+\-=|{}.!\\]/g;

/** Escapes text for MarkdownV2 outside entities: every reserved character gets a backslash. */
export function escapeMarkdownV2(text: string): string {
  return text.replace(MD_RESERVED, (c) => `\\${c}`);
}

/** Inside the (...) part of an inline link only `)` and `\` must be escaped. */
export function escapeMarkdownV2Url(url: string): string {
  return url.replace(/[)\\]/g, (c) => `\\${c}`);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** What the monitor watches, in the words a person knows it by: host name, host:port, or its name. */
export function targetOf(m: AlertMonitor): string {
  if (m.url) {
    try {
      return new URL(m.url).host;
    } catch {
      return m.url;
    }
  }
  if (m.host) return m.port ? `${m.host}:${m.port}` : m.host;
  return m.name;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

interface Parts {
  headline: string;
  lines: Array<[string, string]>;
  link: string;
}

function parts(input: AlertInput, publicUrl: string): Parts {
  const { monitor: m, incident: inc } = input;
  const base = `${publicUrl}/t/${input.teamId}`;
  // The page that shows the thing: the monitor, the incident, or for a test message the channels
  // page, whose delivery log lists it (not settings, which shows neither).
  const link = m ? `${base}/monitors/${m.id}` : inc ? `${base}/incidents/${inc.id}` : `${base}/channels`;
  const what = m ? targetOf(m) : inc?.title ?? 'SentryPulse';
  const reason = input.statusCode !== null ? String(input.statusCode) : m?.last_error ? clip(m.last_error, 80) : null;
  const lines: Array<[string, string]> = [];
  if (m) lines.push(['Monitor', m.name]);
  if (inc) lines.push(['Incident', `${inc.title} (${inc.severity})`]);
  let headline: string;
  const slow = inc?.cause === 'degraded';
  switch (input.eventType) {
    case 'incident.opened':
      if (m && slow) {
        // "SLOW: api.example.com — 2,340 ms (threshold 1,000 ms)"
        const measured = input.responseTimeMs !== null ? formatResponseTime(input.responseTimeMs) : null;
        const threshold = m.degraded_threshold_ms !== null ? formatResponseTime(m.degraded_threshold_ms) : null;
        headline = `SLOW: ${what}${measured ? ` — ${measured}` : ''}${threshold ? ` (threshold ${threshold})` : ''}`;
        if (measured) lines.push(['Response time', measured]);
        if (threshold) lines.push(['Threshold', threshold]);
        lines.push(['Note', 'The target answers, slowly: this is not counted as downtime.']);
        if (inc) lines.push(['Since', inc.started_at.toISOString()]);
        break;
      }
      headline = m ? `DOWN: ${what}${reason ? ` — ${reason}` : ''}` : `INCIDENT: ${what}`;
      if (m?.last_error) lines.push(['Error', clip(m.last_error, 300)]);
      if (inc) lines.push(['Since', inc.started_at.toISOString()]);
      break;
    case 'incident.resolved': {
      const dur = inc ? formatDuration((inc.resolved_at ?? input.occurredAt).getTime() - inc.started_at.getTime()) : null;
      headline = m && slow ? `FAST AGAIN: ${what}${dur ? ` — slow for ${dur}` : ''}` : m ? `UP: ${what}${dur ? ` — down for ${dur}` : ''}` : `RESOLVED: ${what}`;
      if (inc?.resolved_at) lines.push(['Resolved', inc.resolved_at.toISOString()]);
      break;
    }
    case 'incident.updated':
      headline = `UPDATE: ${inc?.title ?? what} — ${input.update?.status ?? inc?.status ?? 'updated'}`;
      if (input.update) lines.push(['Update', clip(input.update.message, 1000)]);
      break;
    case 'certificate.expiring': {
      const days = m?.cert_expires_at ? Math.max(0, Math.floor((m.cert_expires_at.getTime() - input.occurredAt.getTime()) / 86_400_000)) : null;
      headline = `CERT EXPIRING: ${what}${days !== null ? ` — in ${days} day${days === 1 ? '' : 's'}` : ''}`;
      if (m?.cert_expires_at) lines.push(['Expires', m.cert_expires_at.toISOString()]);
      break;
    }
    case 'test':
      headline = `TEST: SentryPulse channel "${input.channelName}" works`;
      lines.push(['Note', 'This is a test message sent from the dashboard. No action is needed.']);
      break;
  }
  return { headline, lines, link };
}

export function buildAlertContent(input: AlertInput, publicUrl: string): AlertContent {
  const { headline, lines, link } = parts(input, publicUrl);
  const text = [headline, '', ...lines.map(([k, v]) => `${k}: ${v}`), '', `Open in SentryPulse: ${link}`].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.4">',
    `<h2 style="margin:0 0 12px">${escapeHtml(headline)}</h2>`,
    '<table cellpadding="4" style="border-collapse:collapse">',
    ...lines.map(([k, v]) => `<tr><th align="left" valign="top">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`),
    '</table>',
    `<p><a href="${escapeHtml(link)}">Open in SentryPulse</a></p>`,
    '</body></html>',
  ].join('\n');
  const markdownV2 = [
    `*${escapeMarkdownV2(headline)}*`,
    '',
    ...lines.map(([k, v]) => `${escapeMarkdownV2(k)}: ${escapeMarkdownV2(v)}`),
    '',
    `[Open in SentryPulse](${escapeMarkdownV2Url(link)})`,
  ].join('\n');
  const details = clip(lines.map(([k, v]) => `${k}: ${v}`).join(' · ').replace(/\s+/g, ' '), 900);
  const { incident: inc, monitor: m } = input;
  const webhook: WebhookPayload = {
    type: input.eventType,
    timestamp: input.occurredAt.toISOString(),
    data: {
      incident: inc
        ? {
            id: inc.id,
            title: inc.title,
            status: inc.status,
            severity: inc.severity,
            cause: inc.cause,
            started_at: inc.started_at.toISOString(),
            resolved_at: inc.resolved_at ? inc.resolved_at.toISOString() : null,
            url: `${publicUrl}/t/${input.teamId}/incidents/${inc.id}`,
          }
        : null,
      monitor: m
        ? {
            id: m.id,
            name: m.name,
            type: m.type,
            target: m.url ?? (m.host ? targetOf(m) : null),
            status: m.status,
            status_code: input.statusCode,
            error: m.last_error,
            url: `${publicUrl}/t/${input.teamId}/monitors/${m.id}`,
          }
        : null,
    },
  };
  return { subject: clip(headline, 200), text, html, markdownV2, templateParams: [clip(headline, 200), details || '-', link], link, webhook };
}
