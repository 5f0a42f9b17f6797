import type { NoticeContent, NoticeKind, SubscriberMessageKind } from '@sentrypulse/db';

/**
 * The words of subscriber messages, as pure functions (ADR 0133): one notice or opt-in message
 * → an email (subject, text, HTML with the page's branding), a Standard Webhooks body, a Slack
 * or a Discord body. Everything a team wrote is escaped for the target format.
 */

export interface PageBrand {
  slug: string;
  title: string;
  logo_url: string | null;
  accent_color: string | null;
}

export interface MessageLinks {
  pageUrl: string;
  manageUrl: string;
  unsubscribeUrl: string;
  /** Email opt-in only. */
  confirmUrl?: string;
}

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESC[c]!);
}

/** One line, no control characters: subject lines and Slack/Discord titles. */
function oneLine(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export const STATUS_LABEL: Record<string, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  scheduled: 'Scheduled',
  started: 'In progress',
  ended: 'Completed',
};

const HEADLINE: Record<NoticeKind, (c: NoticeContent) => string> = {
  'incident.opened': (c) => `${c.title} — ${STATUS_LABEL[c.status] ?? c.status}`,
  'incident.updated': (c) => `${c.title} — ${STATUS_LABEL[c.status] ?? c.status}`,
  'incident.resolved': (c) => `Resolved: ${c.title}`,
  'maintenance.scheduled': (c) => `Scheduled maintenance: ${c.title}`,
  'maintenance.started': (c) => `Maintenance in progress: ${c.title}`,
  'maintenance.ended': (c) => `Maintenance completed: ${c.title}`,
};

export function noticeHeadline(kind: NoticeKind, c: NoticeContent): string {
  return oneLine(HEADLINE[kind](c));
}

function when(c: NoticeContent): string | null {
  if (!c.starts_at || !c.ends_at) return null;
  const f = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
  return `${f(c.starts_at)} – ${f(c.ends_at)}`;
}

function accentOf(brand: PageBrand): string {
  return brand.accent_color && /^#[0-9a-f]{6}$/i.test(brand.accent_color) ? brand.accent_color : '#0969da';
}

function layout(brand: PageBrand, heading: string, bodyHtml: string, links: MessageLinks): string {
  const accent = accentOf(brand);
  const logo = brand.logo_url && /^https:\/\//.test(brand.logo_url) ? `<img src="${escHtml(brand.logo_url)}" alt="" height="32" style="height:32px;display:block;margin-bottom:12px">` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escHtml(heading)}</title></head><body style="margin:0;background:#f6f8fa;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328"><table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px 12px"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#fff;border-radius:8px;border-top:4px solid ${accent}"><tr><td style="padding:24px">${logo}<p style="margin:0 0 4px;font-size:13px;color:#59636e">${escHtml(brand.title)}</p><h1 style="margin:0 0 16px;font-size:20px">${escHtml(heading)}</h1>${bodyHtml}<p style="margin:24px 0 0"><a href="${escHtml(links.pageUrl)}" style="color:${accent}">View the status page</a></p></td></tr><tr><td style="padding:16px 24px;border-top:1px solid #d1d9e0;font-size:12px;color:#59636e">You receive this because you subscribed to ${escHtml(brand.title)}. <a href="${escHtml(links.manageUrl)}" style="color:#59636e">Manage your subscription</a> · <a href="${escHtml(links.unsubscribeUrl)}" style="color:#59636e">Unsubscribe</a></td></tr></table></td></tr></table></body></html>`;
}

function paragraphs(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p style="margin:0 0 12px;line-height:1.5">${escHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

export function noticeEmail(kind: NoticeKind, c: NoticeContent, brand: PageBrand, links: MessageLinks): EmailMessage {
  const heading = noticeHeadline(kind, c);
  const period = when(c);
  const lines = [
    heading,
    '',
    c.message,
    '',
    ...(c.components.length ? [`Affected: ${c.components.join(', ')}`] : []),
    ...(period ? [`When: ${period}`] : []),
    '',
    `Status page: ${links.pageUrl}`,
    '',
    '--',
    `You receive this because you subscribed to ${brand.title}.`,
    `Manage your subscription: ${links.manageUrl}`,
    `Unsubscribe: ${links.unsubscribeUrl}`,
  ];
  const body = `${paragraphs(c.message)}${c.components.length ? `<p style="margin:0 0 8px;font-size:14px;color:#59636e">Affected: ${escHtml(c.components.join(', '))}</p>` : ''}${period ? `<p style="margin:0 0 8px;font-size:14px;color:#59636e">When: ${escHtml(period)}</p>` : ''}`;
  return { subject: oneLine(`[${brand.title}] ${heading}`, 250), text: lines.join('\n'), html: layout(brand, heading, body, links) };
}

export function confirmEmail(brand: PageBrand, links: MessageLinks & { confirmUrl: string }, ttlHours: number): EmailMessage {
  const heading = `Confirm your subscription to ${brand.title}`;
  const text = [
    heading,
    '',
    `Someone (hopefully you) asked to receive status notices of ${brand.title} at this address.`,
    `Confirm within ${ttlHours} hours: ${links.confirmUrl}`,
    '',
    'If this was not you, ignore this message: nothing will be sent.',
    '',
    '--',
    `Unsubscribe: ${links.unsubscribeUrl}`,
  ].join('\n');
  const body = `<p style="margin:0 0 12px;line-height:1.5">Someone (hopefully you) asked to receive status notices of ${escHtml(brand.title)} at this address.</p><p style="margin:16px 0"><a href="${escHtml(links.confirmUrl)}" style="display:inline-block;padding:10px 16px;border-radius:6px;background:${accentOf(brand)};color:#fff;text-decoration:none">Confirm subscription</a></p><p style="margin:0 0 12px;font-size:14px;color:#59636e">The link works for ${ttlHours} hours. If this was not you, ignore this message: nothing will be sent.</p>`;
  return { subject: oneLine(heading, 250), text, html: layout(brand, heading, body, links) };
}

/** The Standard Webhooks body of a notice. */
export function noticeWebhook(kind: NoticeKind, c: NoticeContent, links: MessageLinks, now: Date) {
  const page = { slug: c.page.slug, title: c.page.title, url: links.pageUrl };
  const subject =
    c.incident_id !== null
      ? { incident: { id: c.incident_id, title: c.title, status: c.status, message: c.message, components: c.components } }
      : { maintenance: { id: c.maintenance_id, title: c.title, phase: c.status, message: c.message, components: c.components, starts_at: c.starts_at, ends_at: c.ends_at } };
  return { type: kind, timestamp: now.toISOString(), data: { page, ...subject, occurred_at: c.occurred_at, manage_url: links.manageUrl } };
}

function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function noticeSlack(kind: NoticeKind, c: NoticeContent, links: MessageLinks) {
  const headline = noticeHeadline(kind, c);
  const details = [c.message, c.components.length ? `Affected: ${c.components.join(', ')}` : '', when(c) ? `When: ${when(c)}` : ''].filter(Boolean).join('\n');
  return {
    text: slackEscape(`[${c.page.title}] ${headline}`),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${slackEscape(headline)}*\n${slackEscape(details).slice(0, 2800)}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `<${links.pageUrl}|${slackEscape(c.page.title)}> · <${links.manageUrl}|Manage subscription>` }] },
    ],
  };
}

function discordEscape(text: string): string {
  return text.replace(/([\\*_~`|>#[\]()-])/g, '\\$1');
}

export function noticeDiscord(kind: NoticeKind, c: NoticeContent, brand: PageBrand, links: MessageLinks) {
  const details = [c.message, c.components.length ? `Affected: ${c.components.join(', ')}` : '', when(c) ? `When: ${when(c)}` : ''].filter(Boolean).join('\n');
  return {
    content: null,
    allowed_mentions: { parse: [] as string[] },
    embeds: [
      {
        title: oneLine(`[${brand.title}] ${noticeHeadline(kind, c)}`, 256),
        description: `${discordEscape(details).slice(0, 3500)}\n\n[Manage subscription](${links.manageUrl})`,
        url: links.pageUrl,
        color: parseInt(accentOf(brand).slice(1), 16),
      },
    ],
  };
}

export function welcomeText(brand: PageBrand, links: MessageLinks): string {
  return `You are subscribed to status notices of ${brand.title}. Manage: ${links.manageUrl}`;
}

export function welcomeSlack(brand: PageBrand, links: MessageLinks) {
  return { text: slackEscape(`You are subscribed to status notices of ${brand.title}.`), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `You are subscribed to status notices of <${links.pageUrl}|${slackEscape(brand.title)}>. <${links.manageUrl}|Manage subscription>` } }] };
}

export function welcomeDiscord(brand: PageBrand, links: MessageLinks) {
  return { content: null, allowed_mentions: { parse: [] as string[] }, embeds: [{ title: oneLine(`Subscribed to ${brand.title}`, 256), description: `You will get status notices of ${discordEscape(brand.title)} here.\n\n[Manage subscription](${links.manageUrl})`, url: links.pageUrl, color: parseInt(accentOf(brand).slice(1), 16) }] };
}

export function verificationWebhook(brand: PageBrand, links: MessageLinks, challenge: string, secret: string, now: Date) {
  return {
    type: 'subscription.verification',
    timestamp: now.toISOString(),
    data: {
      challenge,
      // The receiver learns its signing secret here (this request is itself signed with it);
      // it answers 2xx with {"challenge": "<challenge>"} to activate the subscription.
      secret,
      page: { slug: brand.slug, title: brand.title, url: links.pageUrl },
      manage_url: links.manageUrl,
    },
  };
}

export type MessageKind = SubscriberMessageKind;
