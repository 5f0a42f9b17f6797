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
  /** Who acknowledged: a member's name, or the recipient of the link that was used. */
  acknowledged_by?: string | null;
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
  /** The signed acknowledge link of this message (open, unacknowledged incidents only). */
  ackUrl?: string | null;
  /** An escalation step's message: which step (1-based) and how long nobody acknowledged. */
  escalation?: { step: number; round: number } | null;
  /** The incident is open and nobody acknowledged it yet (its messages carry the ack link). */
  acknowledgeable?: boolean;
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
  /** The parts the provider-specific renders below are built from. */
  headline: string;
  lines: Array<[string, string]>;
  eventType: AlertEventType;
  teamId: number;
  incidentId: number | null;
  monitorId: number | null;
  severity: 'critical' | 'major' | 'minor' | null;
  ackUrl: string | null;
  occurredAt: Date;
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
    case 'incident.acknowledged':
      headline = `ACKNOWLEDGED: ${m ? what : inc?.title ?? what}${inc?.acknowledged_by ? ` — by ${inc.acknowledged_by}` : ''}`;
      lines.push(['Note', 'Someone is on it: escalation and reminders stopped.']);
      break;
    case 'incident.escalated': {
      const waited = inc ? formatDuration(input.occurredAt.getTime() - inc.started_at.getTime()) : null;
      headline = `ESCALATED: ${what}${waited ? ` — unacknowledged for ${waited}` : ''}`;
      if (input.escalation) lines.push(['Escalation', `step ${input.escalation.step}${input.escalation.round > 0 ? ` (repeat ${input.escalation.round})` : ''}`]);
      if (m?.last_error) lines.push(['Error', clip(m.last_error, 300)]);
      if (inc) lines.push(['Since', inc.started_at.toISOString()]);
      break;
    }
    case 'incident.reminder': {
      const dur = inc ? formatDuration(input.occurredAt.getTime() - inc.started_at.getTime()) : null;
      headline = `STILL DOWN: ${what}${dur ? ` — for ${dur}` : ''}`;
      if (m?.last_error) lines.push(['Error', clip(m.last_error, 300)]);
      if (inc) lines.push(['Since', inc.started_at.toISOString()]);
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
  const ackUrl = input.ackUrl ?? null;
  const text = [headline, '', ...lines.map(([k, v]) => `${k}: ${v}`), '', `Open in SentryPulse: ${link}`, ...(ackUrl ? [`Acknowledge: ${ackUrl}`] : [])].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.4">',
    `<h2 style="margin:0 0 12px">${escapeHtml(headline)}</h2>`,
    '<table cellpadding="4" style="border-collapse:collapse">',
    ...lines.map(([k, v]) => `<tr><th align="left" valign="top">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`),
    '</table>',
    `<p><a href="${escapeHtml(link)}">Open in SentryPulse</a>${ackUrl ? ` · <a href="${escapeHtml(ackUrl)}">Acknowledge</a>` : ''}</p>`,
    '</body></html>',
  ].join('\n');
  const markdownV2 = [
    `*${escapeMarkdownV2(headline)}*`,
    '',
    ...lines.map(([k, v]) => `${escapeMarkdownV2(k)}: ${escapeMarkdownV2(v)}`),
    '',
    `[Open in SentryPulse](${escapeMarkdownV2Url(link)})${ackUrl ? ` · [Acknowledge](${escapeMarkdownV2Url(ackUrl)})` : ''}`,
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
  const severity = inc && (inc.severity === 'critical' || inc.severity === 'major' || inc.severity === 'minor') ? inc.severity : null;
  return {
    subject: clip(headline, 200),
    text,
    html,
    markdownV2,
    templateParams: [clip(headline, 200), details || '-', link],
    link,
    webhook,
    headline,
    lines,
    eventType: input.eventType,
    teamId: input.teamId,
    incidentId: inc?.id ?? null,
    monitorId: m?.id ?? null,
    severity,
    ackUrl,
    occurredAt: input.occurredAt,
  };
}

// ---------------------------------------------------------------------------------------------
// Provider renders (SPEC 11): each on-call provider's body, built from the same content so the
// wording stays in this one module. Escaping is per format: Slack mrkdwn (&, <, >), Discord
// markdown (backslash before every markdown character, no mentions), Teams card JSON (plain
// strings, JSON.stringify escapes), SMS (GSM-7 text fitted to 160 characters).
// ---------------------------------------------------------------------------------------------

/** How an event looks in colour: red down/escalated, amber degraded/certificate, green resolved. */
export type Tone = 'danger' | 'warning' | 'good' | 'info';

export function toneOf(c: AlertContent): Tone {
  const tones: Record<AlertEventType, Tone> = {
    'incident.opened': c.webhook.data.incident?.cause === 'degraded' || c.severity === 'minor' ? 'warning' : 'danger',
    'incident.escalated': 'danger',
    'incident.reminder': 'danger',
    'incident.updated': 'info',
    'incident.acknowledged': 'info',
    'incident.resolved': 'good',
    'certificate.expiring': 'warning',
    test: 'info',
  };
  return tones[c.eventType];
}

const TONE_HEX: Record<Tone, string> = { danger: '#d92d20', warning: '#f79009', good: '#12b76a', info: '#2e90fa' };

/** Slack mrkdwn: only &, < and > are control characters (Slack "Formatting text"). */
export function escapeSlack(text: string): string {
  return text.replace(/[&<>]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[ch]!);
}

/** Slack incoming-webhook body: Block Kit inside a coloured attachment, fallback text on top. */
export function slackBody(c: AlertContent): Record<string, unknown> {
  const buttons: Array<Record<string, unknown>> = [];
  if (c.ackUrl) buttons.push({ type: 'button', action_id: 'acknowledge', style: 'danger', text: { type: 'plain_text', text: 'Acknowledge' }, url: c.ackUrl });
  buttons.push({ type: 'button', action_id: 'open', text: { type: 'plain_text', text: 'Open in SentryPulse' }, url: c.link });
  const fields = c.lines.slice(0, 10).map(([k, v]) => ({ type: 'mrkdwn', text: `*${escapeSlack(k)}*\n${escapeSlack(clip(v, 1900))}` }));
  const blocks: Array<Record<string, unknown>> = [{ type: 'section', text: { type: 'mrkdwn', text: `*${escapeSlack(clip(c.headline, 2900))}*` } }];
  if (fields.length > 0) blocks.push({ type: 'section', fields });
  blocks.push({ type: 'actions', elements: buttons });
  return { text: escapeSlack(clip(c.headline, 2900)), attachments: [{ color: TONE_HEX[toneOf(c)], blocks }] };
}

/** Discord markdown: a backslash before every formatting character; @ broken so nothing pings. */
export function escapeDiscord(text: string): string {
  return text.replace(/[\\*_~`|>#\-[\]()]/g, (ch) => `\\${ch}`).replace(/@/g, '@\u200b');
}

/** Discord webhook body: one embed (title ≤ 256, field values ≤ 1024), no mentions parsed. */
export function discordBody(c: AlertContent): Record<string, unknown> {
  const fields = c.lines.slice(0, 25).map(([k, v]) => ({ name: escapeDiscord(clip(k, 250)), value: escapeDiscord(clip(v, 1000)) || '-', inline: v.length <= 40 }));
  if (c.ackUrl) fields.push({ name: 'Acknowledge', value: `[Acknowledge this incident](${c.ackUrl})`, inline: false });
  return {
    username: 'SentryPulse',
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: clip(c.headline, 256),
        url: c.link,
        color: Number.parseInt(TONE_HEX[toneOf(c)].slice(1), 16),
        fields,
        timestamp: c.occurredAt.toISOString(),
        footer: { text: 'SentryPulse' },
      },
    ],
  };
}

/** Teams workflow webhook body: a message with one Adaptive Card 1.4 attachment. */
export function teamsBody(c: AlertContent): Record<string, unknown> {
  const tone = toneOf(c);
  const color: Record<Tone, string> = { danger: 'Attention', warning: 'Warning', good: 'Good', info: 'Accent' };
  const actions: Array<Record<string, unknown>> = [];
  if (c.ackUrl) actions.push({ type: 'Action.OpenUrl', title: 'Acknowledge', url: c.ackUrl });
  actions.push({ type: 'Action.OpenUrl', title: 'Open in SentryPulse', url: c.link });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: c.headline, weight: 'Bolder', size: 'Medium', color: color[tone], wrap: true },
            { type: 'FactSet', facts: c.lines.map(([k, v]) => ({ title: k, value: clip(v, 1000) })) },
          ],
          actions,
        },
      },
    ],
  };
}

/** Characters of the GSM 03.38 basic set (and its extension table): an SMS of them fits 160 per segment. */
const GSM7 = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€',
);
const GSM7_EXT = new Set('^{}\\[~]|€');

/** Replaces what GSM-7 cannot carry (dashes, ellipsis, quotes, anything else → '?'). */
export function toGsm7(text: string): string {
  const map: Record<string, string> = { '—': '-', '–': '-', '…': '...', '‘': "'", '’': "'", '“': '"', '”': '"', '·': '-', '\u00a0': ' ' };
  return [...text].map((ch) => (GSM7.has(ch) ? ch : (map[ch] ?? '?'))).join('');
}

/** Length in GSM-7 septets (extension characters count twice). */
export function gsm7Length(text: string): number {
  let n = 0;
  for (const ch of text) n += GSM7_EXT.has(ch) ? 2 : 1;
  return n;
}

/**
 * One SMS segment (160 GSM-7 septets): the headline, shortened first, then the acknowledge link
 * when there is one (the link is never cut: a broken link is worse than a shorter headline).
 */
export function smsText(c: AlertContent, limit = 160): string {
  const tail = c.ackUrl ? ` Ack: ${c.ackUrl}` : c.eventType === 'incident.resolved' || c.eventType === 'test' ? '' : ` ${c.link}`;
  let head = toGsm7(c.headline);
  const room = limit - gsm7Length(tail);
  if (gsm7Length(head) > room) {
    while (head.length > 0 && gsm7Length(head) > room - 3) head = head.slice(0, -1);
    head = `${head.trimEnd()}...`;
  }
  const out = `${head}${tail}`;
  return gsm7Length(out) <= limit ? out : out.slice(0, limit);
}

/** ntfy priority (1 min … 5 urgent) and tags (emoji short codes) by event and severity. */
export function ntfyPriority(c: AlertContent): { priority: number; tags: string[] } {
  const bySeverity = { critical: 5, major: 4, minor: 3 } as const;
  const urgent = c.eventType === 'incident.opened' || c.eventType === 'incident.escalated' || c.eventType === 'incident.reminder';
  if (urgent) {
    const p = c.severity ? bySeverity[c.severity] : 4;
    return { priority: p, tags: [p >= 5 ? 'rotating_light' : p >= 4 ? 'warning' : 'information_source', c.severity ?? 'alert'] };
  }
  const quiet: Record<AlertEventType, string> = {
    'incident.opened': 'warning',
    'incident.escalated': 'warning',
    'incident.reminder': 'warning',
    'incident.updated': 'memo',
    'incident.acknowledged': 'eyes',
    'incident.resolved': 'white_check_mark',
    'certificate.expiring': 'lock',
    test: 'test_tube',
  };
  return { priority: c.eventType === 'certificate.expiring' ? 4 : 3, tags: [quiet[c.eventType]] };
}

/** ntfy JSON publish body (POST to the server root), click opens the acknowledge link. */
export function ntfyBody(c: AlertContent, topic: string): Record<string, unknown> {
  const { priority, tags } = ntfyPriority(c);
  const actions: Array<Record<string, unknown>> = [];
  if (c.ackUrl) actions.push({ action: 'view', label: 'Acknowledge', url: c.ackUrl, clear: true });
  actions.push({ action: 'view', label: 'Open', url: c.link });
  return {
    topic,
    title: clip(c.headline, 250),
    message: clip(c.lines.map(([k, v]) => `${k}: ${v}`).join('\n') || c.headline, 4000),
    priority,
    tags,
    click: c.ackUrl ?? c.link,
    actions,
  };
}

/** Pushover priority (-2 … 2): emergency (2) for a critical incident opening, which needs retry/expire. */
export function pushoverPriority(c: AlertContent): number {
  const urgent = c.eventType === 'incident.opened' || c.eventType === 'incident.escalated';
  if (urgent) return c.severity === 'critical' ? 2 : c.severity === 'major' ? 1 : 0;
  if (c.eventType === 'incident.reminder') return 1;
  if (c.eventType === 'test' || c.eventType === 'incident.acknowledged' || c.eventType === 'incident.resolved') return -1;
  return 0;
}

/** Emergency notifications repeat every 60 s for at most an hour until someone acknowledges in Pushover. */
export const PUSHOVER_RETRY_SECONDS = 60;
export const PUSHOVER_EXPIRE_SECONDS = 3600;

/** Pushover messages.json fields (form-encoded by the provider; token and user added there). */
export function pushoverFields(c: AlertContent): Record<string, string> {
  const priority = pushoverPriority(c);
  const url = c.ackUrl ?? c.link;
  return {
    title: clip(c.headline, 250),
    message: clip(c.lines.map(([k, v]) => `${k}: ${v}`).join('\n') || c.headline, 1024),
    url,
    url_title: clip(c.ackUrl ? 'Acknowledge' : 'Open in SentryPulse', 100),
    priority: String(priority),
    timestamp: String(Math.floor(c.occurredAt.getTime() / 1000)),
    ...(priority === 2 ? { retry: String(PUSHOVER_RETRY_SECONDS), expire: String(PUSHOVER_EXPIRE_SECONDS) } : {}),
  };
}

/** The one dedup_key (PagerDuty) / alias (Opsgenie) of an incident, stable across every event. */
export function incidentKey(c: AlertContent, idempotencyKey: string): string {
  if (c.incidentId !== null) return `sentrypulse-${c.teamId}-incident-${c.incidentId}`;
  if (c.eventType === 'certificate.expiring' && c.monitorId !== null) return `sentrypulse-${c.teamId}-certificate-${c.monitorId}`;
  return `sentrypulse-${c.teamId}-${idempotencyKey}`;
}

export type IncidentAction = 'trigger' | 'acknowledge' | 'resolve';
/** What an event means to an incident tool (PagerDuty event_action; Opsgenie create/acknowledge/close). */
export const INCIDENT_ACTION: Record<AlertEventType, IncidentAction> = {
  'incident.opened': 'trigger',
  'incident.escalated': 'trigger',
  'incident.reminder': 'trigger',
  'incident.updated': 'trigger',
  'certificate.expiring': 'trigger',
  test: 'trigger',
  'incident.acknowledged': 'acknowledge',
  'incident.resolved': 'resolve',
};

/** PagerDuty severity: critical → critical, major → error, minor → warning; the rest info. */
export function pagerdutySeverity(c: AlertContent): 'critical' | 'error' | 'warning' | 'info' {
  if (c.eventType === 'test') return 'info';
  if (c.eventType === 'certificate.expiring') return 'warning';
  return c.severity === 'critical' ? 'critical' : c.severity === 'major' ? 'error' : c.severity === 'minor' ? 'warning' : 'info';
}

/** PagerDuty Events API v2 body (routing_key added by the provider). */
export function pagerdutyEvent(c: AlertContent, idempotencyKey: string): Record<string, unknown> {
  const action = INCIDENT_ACTION[c.eventType];
  const base = { event_action: action, dedup_key: incidentKey(c, idempotencyKey) };
  if (action !== 'trigger') return base;
  const monitor = c.webhook.data.monitor;
  return {
    ...base,
    payload: {
      summary: clip(c.headline, 1024),
      source: monitor?.target ?? monitor?.name ?? 'SentryPulse',
      severity: pagerdutySeverity(c),
      timestamp: c.occurredAt.toISOString(),
      component: monitor?.name,
      custom_details: Object.fromEntries(c.lines),
    },
    client: 'SentryPulse',
    client_url: c.link,
    links: [{ href: c.link, text: 'Open in SentryPulse' }],
  };
}

/** Opsgenie priority: critical P1, major P2, minor P3, certificate P3, test P5. */
export function opsgeniePriority(c: AlertContent): 'P1' | 'P2' | 'P3' | 'P4' | 'P5' {
  if (c.eventType === 'test') return 'P5';
  if (c.eventType === 'certificate.expiring') return 'P3';
  return c.severity === 'critical' ? 'P1' : c.severity === 'major' ? 'P2' : 'P3';
}

/** Opsgenie create-alert body (message ≤ 130, description ≤ 15 000). */
export function opsgenieCreate(c: AlertContent, idempotencyKey: string): Record<string, unknown> {
  return {
    message: clip(c.headline, 130),
    alias: incidentKey(c, idempotencyKey),
    description: clip([...c.lines.map(([k, v]) => `${k}: ${v}`), '', `Open in SentryPulse: ${c.link}`].join('\n'), 15000),
    priority: opsgeniePriority(c),
    source: 'SentryPulse',
    entity: c.webhook.data.monitor?.name,
    tags: ['sentrypulse', ...(c.severity ? [c.severity] : [])],
    details: { link: c.link, ...(c.incidentId !== null ? { incident_id: String(c.incidentId) } : {}) },
  };
}
