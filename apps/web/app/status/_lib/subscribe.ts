import type { ManageSubscription, PublicStatusPage } from '@sentrypulse/shared';
import { apiBase } from './api';
import { esc, renderPlainPage, type RenderedPage } from './render';

/**
 * The subscribe flow of the public page, without JavaScript (ADR 0134): plain HTML forms that
 * POST to route handlers of this app (`form-action 'self'` in the CSP), which call the public API
 * server-side and answer a whole page. No third-party script, no cookie.
 *
 * CSRF: the subscribe and manage forms are refused when the browser says the POST is cross-site
 * (an Origin header naming another host, or `Sec-Fetch-Site: cross-site`); confirm, unsubscribe
 * and manage also need the secret token of the link, which another site does not have. The RFC
 * 8058 one-click POST comes from mail providers without an Origin and carries the token.
 */

type Brand = Pick<PublicStatusPage, 'slug' | 'title' | 'description' | 'logo_url' | 'accent_color' | 'status'>;

export function subscribeForm(p: Pick<PublicStatusPage, 'slug' | 'components'>, opts: { compact: boolean; error?: string }): string {
  const slug = esc(p.slug);
  const choices = p.components.length
    ? `<fieldset class="sp-choices"><legend>Only for these components (optional)</legend>${p.components
        .map((c) => `<label><input type="checkbox" name="component_ids" value="${c.id}"> ${esc(c.name)}</label>`)
        .join('')}</fieldset>`
    : '';
  const error = opts.error ? `<p class="sp-error" role="alert">${esc(opts.error)}</p>` : '';
  return `<form class="card sp-subscribe" method="post" action="/status/${slug}/subscribe"><h3 id="sp-sub-t">Get notified</h3><p class="small muted">Incidents and maintenance by email. We send a confirmation first; nothing else until you confirm.</p>${error}<input type="hidden" name="type" value="email"><label class="sp-field"><span>Email address</span><input type="email" name="email" required autocomplete="email" maxlength="254"></label>${
    opts.compact ? '' : `<details><summary>Webhook, Slack or Discord instead</summary><label class="sp-field"><span>Kind</span><select name="channel"><option value="">Email (above)</option><option value="webhook">Webhook (Standard Webhooks)</option><option value="slack">Slack incoming webhook</option><option value="discord">Discord webhook</option></select></label><label class="sp-field"><span>Webhook URL (https)</span><input type="url" name="url" maxlength="2048"></label></details>`
  }${choices}<button type="submit">Subscribe</button></form>`;
}

/** The form body as the API's subscribe body. */
export function subscribeBodyOf(form: URLSearchParams): Record<string, unknown> {
  const channel = form.get('channel') || '';
  const componentIds = form.getAll('component_ids').filter((v) => /^\d{1,10}$/.test(v)).map(Number);
  const base = componentIds.length ? { component_ids: componentIds } : {};
  if (channel === 'webhook' || channel === 'slack' || channel === 'discord') return { type: channel, url: form.get('url') ?? '', ...base };
  return { type: 'email', email: form.get('email') ?? '', ...base };
}

/** True when the browser tells us the POST came from another site. */
export function crossSite(req: Request): boolean {
  // Fetch metadata first: every current browser sends it, and it is right even where the Origin
  // is serialised as "null" (privacy settings, sandboxed frames).
  const site = req.headers.get('sec-fetch-site');
  if (site) return site === 'cross-site';
  const origin = req.headers.get('origin');
  if (!origin) return false; // not a browser form (curl, a script): the API's rules apply as for any caller
  if (origin === 'null') return true;
  const host = (req.headers.get('x-forwarded-host') ?? req.headers.get('host') ?? '').split(',')[0]!.trim().toLowerCase();
  try {
    return new URL(origin).host.toLowerCase() !== host;
  } catch {
    return true;
  }
}

export interface ApiAnswer {
  status: number;
  body: Record<string, any> | null;
}

/** Calls the public API from the server, passing the visitor's address on for its rate limit. */
export async function callApi(req: Request, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<ApiAnswer> {
  const forwarded = req.headers.get('x-forwarded-for');
  try {
    const res = await fetch(`${apiBase()}${path}`, {
      method,
      cache: 'no-store',
      headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(forwarded ? { 'x-forwarded-for': forwarded } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    let parsed: Record<string, any> | null = null;
    try {
      parsed = (await res.json()) as Record<string, any>;
    } catch {
      parsed = null;
    }
    return { status: res.status, body: parsed };
  } catch {
    return { status: 503, body: null };
  }
}

/** A problem's words for a visitor: its detail, or a generic line. */
export function problemText(a: ApiAnswer): string {
  if (a.status === 503) return 'We could not reach the status service just now. Please try again in a minute.';
  const errors = Array.isArray(a.body?.errors) ? (a.body!.errors as Array<{ path?: string; message?: string }>) : [];
  if (errors.length) return errors.map((e) => `${e.path ? `${e.path}: ` : ''}${e.message ?? ''}`).join('; ');
  return typeof a.body?.detail === 'string' ? a.body.detail : 'Something went wrong; please try again.';
}

function messagePage(p: Brand, heading: string, text: string, extra = ''): RenderedPage {
  return renderPlainPage(p, `<section class="card sp-flow" aria-labelledby="sp-flow-t"><h2 id="sp-flow-t">${esc(heading)}</h2><p>${esc(text)}</p>${extra}<p class="more"><a href="/status/${esc(p.slug)}">Back to the status page</a></p></section>`, `${p.title}: ${heading}`);
}

export function renderSubscribePage(p: PublicStatusPage, error?: string): RenderedPage {
  return renderPlainPage(p, `<section aria-labelledby="sp-sub-t">${subscribeForm(p, { compact: false, ...(error ? { error } : {}) })}</section>`, `${p.title}: subscribe`);
}

export function renderSubscribed(p: Brand): RenderedPage {
  return messagePage(p, 'Check your inbox', 'If this address can receive notices for this page, a confirmation is on its way. Nothing is sent until it is confirmed. Webhooks are verified by a signed challenge; Slack and Discord get a welcome message.');
}

/** Confirm links are opened by mail scanners too: the GET only shows a button, the POST confirms. */
export function renderConfirmForm(p: Brand, token: string): RenderedPage {
  return messagePage(p, 'Confirm your subscription', `Confirm to receive status notices of ${p.title}.`, `<form method="post"><input type="hidden" name="token" value="${esc(token)}"><button type="submit">Confirm subscription</button></form>`);
}

export function renderConfirmed(p: Brand): RenderedPage {
  return messagePage(p, 'Subscription confirmed', `You will receive notices about incidents and maintenance of ${p.title}. Every message has a link to manage or end the subscription.`);
}

export function renderUnsubscribeForm(p: Brand, token: string): RenderedPage {
  return messagePage(p, 'Unsubscribe?', `You will no longer receive status notices of ${p.title}, and your address is deleted.`, `<form method="post"><input type="hidden" name="token" value="${esc(token)}"><button type="submit">Unsubscribe</button></form>`);
}

export function renderUnsubscribed(p: Brand): RenderedPage {
  return messagePage(p, 'You are unsubscribed', 'Your address has been deleted from this status page. You can subscribe again at any time.');
}

export function renderFlowError(p: Brand, heading: string, a: ApiAnswer): RenderedPage {
  return messagePage(p, heading, problemText(a));
}

export function renderManage(p: Brand, token: string, m: ManageSubscription, saved: boolean): RenderedPage {
  const chosen = new Set(m.component_ids ?? []);
  const boxes = m.components.length
    ? `<fieldset class="sp-choices"><legend>Components (none ticked = all)</legend>${m.components
        .map((c) => `<label><input type="checkbox" name="component_ids" value="${c.id}"${chosen.has(c.id) ? ' checked' : ''}> ${esc(c.name)}</label>`)
        .join('')}</fieldset>`
    : '<p class="small muted">This page has no components to choose from.</p>';
  const body =
    m.status === 'unsubscribed'
      ? '<p>This subscription has ended.</p>'
      : `${saved ? '<p class="sp-ok" role="status">Saved.</p>' : ''}<p class="small muted">${esc(m.type === 'email' ? 'Email' : m.type)} · ${esc(m.address_hint)} · ${m.status === 'active' ? 'active' : 'waiting for confirmation'}</p><form method="post"><input type="hidden" name="token" value="${esc(token)}"><input type="hidden" name="action" value="save">${boxes}<button type="submit">Save</button></form><form method="post" action="/status/${esc(p.slug)}/unsubscribe"><input type="hidden" name="token" value="${esc(token)}"><button type="submit" class="secondary">Unsubscribe</button></form>`;
  return renderPlainPage(p, `<section class="card sp-flow" aria-labelledby="sp-flow-t"><h2 id="sp-flow-t">Your subscription</h2>${body}<p class="more"><a href="/status/${esc(p.slug)}">Back to the status page</a></p></section>`, `${p.title}: manage subscription`);
}
