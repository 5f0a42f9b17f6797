import {
  addressHash,
  confirmToken,
  encryptSecret,
  findStatusPageBySlug,
  manageToken,
  manageTokenId,
  newNonce,
  newWebhookId,
  sameToken,
  sha256Hex,
  transactionWithRetry,
  type StatusPageRow,
} from '@sentrypulse/db';
import { enqueueSubscriberDeliveries } from '@sentrypulse/jobs';
import {
  SUBSCRIBE_ACCEPTED_MESSAGE,
  SUBSCRIBER_LIMITS,
  type ManageSubscription,
  type SubscribeBody,
  type SubscriberDelivery,
  type Subscriber,
  type SubscriberList,
} from '@sentrypulse/shared';
import { parseIpLiteral } from '@sentrypulse/shared/address-policy';
import { lookup } from 'node:dns/promises';
import { randomBytes } from 'node:crypto';
import { webhookUrlProblem } from '../channels/service';
import { teamScope, type ServiceContext } from '../context';
import { AppError, BadRequest, Gone, NotFound } from '../errors';
import { forbiddenReason } from '@sentrypulse/shared/address-policy';
import * as q from './queries';

/** How long a confirmation link works. */
export const CONFIRM_TTL_MS = 48 * 3_600_000;
/** A pending address asking again gets a new confirmation at most this often. */
const RESEND_AFTER_MS = 10 * 60_000;
/** Subscribe attempts per client IP and per page, per minute (fixed windows in Redis). */
export const SUBSCRIBE_LIMIT_PER_IP = 10;
export const SUBSCRIBE_LIMIT_PER_PAGE = 300;

const ACCEPTED = { status: 'accepted' as const, message: SUBSCRIBE_ACCEPTED_MESSAGE };

/*
 * The public side (ADR 0130). The slug is the public key; a private page answers 404 like a
 * missing one. Every well-formed subscribe answers the same 202 body whether the address is new,
 * pending, already subscribed or was unsubscribed (no enumeration); what differs is only what the
 * worker is asked to send (a confirmation, or nothing).
 */

async function publicPageOr404(ctx: ServiceContext, slug: string): Promise<StatusPageRow> {
  const row = await findStatusPageBySlug(ctx.db, slug);
  if (!row || !row.is_public) throw new NotFound('Status page');
  return row;
}

async function limit(ctx: ServiceContext, key: string, max: number): Promise<void> {
  const window = Math.floor(Date.now() / 60_000);
  const k = `${ctx.config.redisPrefix}:subrl:${key}:${window}`;
  let n: number;
  try {
    const [[, count]] = (await ctx.redis.multi().incr(k).expire(k, 120).exec()) as [[Error | null, number]];
    n = Number(count);
  } catch {
    return; // Redis away: the global limiter's policy (let through) applies here too
  }
  if (n > max) {
    const retry = 60 - Math.floor((Date.now() / 1000) % 60);
    throw new AppError(429, 'rate-limited', 'Too many requests', `Too many subscribe requests; retry in ${retry} s.`, { retry_after: retry });
  }
}

/** Where a subscriber URL may point: https (http only with OUTBOUND_ALLOW_PRIVATE), public addresses only. */
async function checkUrl(ctx: ServiceContext, raw: string): Promise<void> {
  const bad = (message: string) => new BadRequest(`url: ${message}`, { errors: [{ path: 'url', message }] });
  const url = new URL(raw);
  const allowPrivate = ctx.config.outboundAllowPrivate;
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) throw bad('must use https');
  const problem = webhookUrlProblem(raw, allowPrivate);
  if (problem) throw bad(problem);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (parseIpLiteral(host) !== null || allowPrivate) return;
  // A name that resolves to a private address is refused now; the worker's guard checks the
  // address it actually connects to at send time (DNS rebinding).
  let addresses: Array<{ address: string }>;
  try {
    addresses = await Promise.race([
      lookup(host, { all: true, verbatim: true }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 3_000).unref()),
    ]);
  } catch {
    throw bad(`the host ${host} could not be resolved`);
  }
  for (const a of addresses) {
    const reason = forbiddenReason(a.address, { allowPrivate });
    if (reason) throw bad(`must not point to ${reason}`);
  }
}

function checkComponents(ids: number[] | undefined, known: Array<{ id: number }>): number[] | null {
  if (!ids || ids.length === 0) return null;
  const ok = new Set(known.map((c) => c.id));
  const unknown = ids.find((id) => !ok.has(id));
  if (unknown !== undefined) {
    throw new BadRequest(`component_ids contains ${unknown}, which is not a component of this page.`, { errors: [{ path: 'component_ids', message: `unknown component ${unknown}` }] });
  }
  return [...new Set(ids)].sort((a, b) => a - b);
}

const FIRST_MESSAGE = { email: 'subscription.confirm', webhook: 'subscription.verify', slack: 'subscription.welcome', discord: 'subscription.welcome' } as const;

export async function subscribe(ctx: ServiceContext, slug: string, body: SubscribeBody, ip: string): Promise<typeof ACCEPTED> {
  await limit(ctx, `ip:${ip}`, SUBSCRIBE_LIMIT_PER_IP);
  const page = await publicPageOr404(ctx, slug);
  await limit(ctx, `page:${page.id}`, SUBSCRIBE_LIMIT_PER_PAGE);
  const address = body.type === 'email' ? body.email : body.url;
  if (body.type !== 'email') await checkUrl(ctx, body.url);
  const componentIds = checkComponents(body.component_ids, await q.pageComponents(ctx.db, page.id));
  const key = ctx.config.encryptionKey;
  const hash = addressHash(key, body.type, address);

  const team = await q.teamPlan(ctx.db, page.team_id);
  const deliveryId = await transactionWithRetry(ctx.db, async (trx) => {
    const existing = await q.findByAddress(trx, page.id, body.type, hash);
    if (existing?.status === 'active') return null;
    const now = Date.now();
    if (existing?.status === 'pending' && existing.confirm_expires_at && existing.confirm_expires_at.getTime() - CONFIRM_TTL_MS + RESEND_AFTER_MS > now) return null;
    if (!existing) {
      const live = await q.countLive(trx, page.id);
      const max = SUBSCRIBER_LIMITS[team.plan];
      if (live.active + live.pending >= max) {
        throw new AppError(403, 'limit-reached', 'Plan limit reached', `This status page cannot take more subscribers (the ${team.plan} plan allows ${max} per page).`, { limit: 'subscribers_per_page', plan: team.plan, max });
      }
    }
    const confirmNonce = newNonce();
    const tokenNonce = existing?.status === 'pending' ? existing.token_nonce : newNonce();
    const secret = body.type === 'webhook' ? `whsec_${randomBytes(32).toString('base64')}` : null;
    const fields = {
      address,
      component_ids: componentIds,
      secret_ciphertext: secret ? encryptSecret(key, page.team_id, secret) : null,
      token_nonce: tokenNonce,
      confirm_nonce: confirmNonce,
      confirm_token_hash: null as string | null,
      confirm_expires_at: new Date(now + CONFIRM_TTL_MS),
    };
    let id: string;
    if (existing) {
      id = String(existing.id);
      fields.confirm_token_hash = sha256Hex(confirmToken(key, id, confirmNonce));
      await q.rearmSubscriber(trx, id, fields);
    } else {
      id = await q.insertSubscriber(trx, { team_id: page.team_id, status_page_id: page.id, type: body.type, address_hash: hash, ...fields });
      await q.setConfirmHash(trx, id, sha256Hex(confirmToken(key, id, confirmNonce)));
    }
    return q.insertDelivery(trx, {
      team_id: page.team_id,
      status_page_id: page.id,
      subscriber_id: id,
      subscriber_type: body.type,
      kind: FIRST_MESSAGE[body.type],
      message_key: `optin:${confirmNonce}`,
      idempotency_key: newWebhookId(),
    });
  });
  if (deliveryId) {
    // After the commit. If Redis is away the worker's sweep picks the row up (never-attempted rows).
    await enqueueSubscriberDeliveries(ctx.jobs, [deliveryId]).catch((err: Error) => ctx.log.warn({ err: err.message }, 'subscriber message not queued yet; the sweep will'));
  }
  return ACCEPTED;
}

export async function confirm(ctx: ServiceContext, token: string): Promise<{ status: 'confirmed'; page: { slug: string; title: string } }> {
  const hash = sha256Hex(token);
  const result = await transactionWithRetry(ctx.db, async (trx) => {
    const row = await q.findByConfirmHash(trx, hash);
    if (!row || row.type !== 'email' || row.status !== 'pending') return 'invalid' as const;
    if (!row.confirm_expires_at || row.confirm_expires_at.getTime() < Date.now()) return 'expired' as const;
    await q.activate(trx, String(row.id));
    return row;
  });
  if (result === 'invalid') throw new BadRequest('This confirmation link is not valid (it may have been used already).', { errors: [{ path: 'token', message: 'unknown or used token' }] });
  if (result === 'expired') throw new Gone('This confirmation link has expired; subscribe again to get a new one.');
  const page = await q.pageTitle(ctx.db, result.status_page_id);
  return { status: 'confirmed', page };
}

/** The subscriber a manage token belongs to, for this page only; a 400 for anything else. */
async function holderOf(ctx: ServiceContext, slug: string, token: string) {
  const invalid = () => new BadRequest('This link is not valid for this status page.', { errors: [{ path: 'token', message: 'not a subscription token of this page' }] });
  const id = manageTokenId(token);
  if (!id) throw invalid();
  const page = await publicPageOr404(ctx, slug);
  const row = await q.findById(ctx.db, id);
  if (!row || !sameToken(manageToken(ctx.config.encryptionKey, id, row.token_nonce), token) || row.status_page_id !== page.id) throw invalid();
  return { row, page };
}

/** One-click unsubscribe (RFC 8058): idempotent, erases the address at once. */
export async function unsubscribe(ctx: ServiceContext, slug: string, token: string): Promise<{ status: 'unsubscribed' }> {
  const { row } = await holderOf(ctx, slug, token);
  if (row.status !== 'unsubscribed') await transactionWithRetry(ctx.db, (trx) => q.erase(trx, String(row.id)));
  return { status: 'unsubscribed' };
}

function addressHint(type: string, address: string | null): string {
  if (!address) return '';
  if (type === 'email') {
    const [local, domain] = address.split('@') as [string, string];
    return `${local.slice(0, 1)}***@${domain}`;
  }
  try {
    return new URL(address).hostname;
  } catch {
    return '';
  }
}

export async function manageView(ctx: ServiceContext, slug: string, token: string): Promise<ManageSubscription> {
  const { row, page } = await holderOf(ctx, slug, token);
  const components = await q.pageComponents(ctx.db, page.id);
  return {
    page: { slug: page.slug, title: page.title },
    type: row.type,
    address_hint: addressHint(row.type, row.address),
    status: row.status,
    component_ids: row.component_ids,
    components: components.map((c) => ({ id: c.id, name: c.display_name, group: c.group_name })),
  };
}

export async function updateComponents(ctx: ServiceContext, slug: string, token: string, componentIds: number[] | null): Promise<ManageSubscription> {
  const { row, page } = await holderOf(ctx, slug, token);
  if (row.status === 'unsubscribed') throw new Gone('This subscription has ended; subscribe again from the status page.');
  const ids = checkComponents(componentIds ?? undefined, await q.pageComponents(ctx.db, page.id));
  await q.setComponents(ctx.db, String(row.id), ids);
  return manageView(ctx, slug, token);
}

// ---------------------------------------------------------------------------------------------
// Team side

async function teamPage(ctx: ServiceContext, statusPageId: number) {
  const team = teamScope(ctx);
  const page = await q.findTeamPage(ctx.db, team.id, statusPageId);
  if (!page) throw new NotFound('Status page');
  return { team, page };
}

function toSubscriber(r: { id: string; type: Subscriber['type']; status: 'pending' | 'active' | 'unsubscribed'; address: string | null; component_ids: number[] | null; confirmed_at: Date | null; created_at: Date }): Subscriber {
  return {
    id: String(r.id),
    type: r.type,
    ...(r.type === 'email' ? { email: r.address ?? '' } : { url: r.address ?? '' }),
    status: r.status,
    confirmed: r.confirmed_at !== null,
    component_ids: r.component_ids ?? [],
    created_at: r.created_at.toISOString(),
  };
}

export async function listSubscribers(ctx: ServiceContext, statusPageId: number, query: { limit: number; cursor?: string | undefined; q?: string | undefined; status?: 'active' | 'pending' | undefined }): Promise<SubscriberList> {
  const { team, page } = await teamPage(ctx, statusPageId);
  if (query.cursor !== undefined && !/^[1-9]\d{0,19}$/.test(query.cursor)) throw new BadRequest('cursor is not a valid cursor for this list.');
  const rows = await q.listLive(ctx.db, team.id, page.id, { limit: query.limit + 1, before: query.cursor ?? null, ...(query.q ? { q: query.q } : {}), ...(query.status ? { status: query.status } : {}) });
  const shown = rows.slice(0, query.limit);
  return {
    items: shown.map(toSubscriber),
    next_cursor: rows.length > query.limit ? String(shown.at(-1)!.id) : null,
    counts: await q.countLive(ctx.db, page.id),
  };
}

/** Removing a subscriber is an unsubscribe on their behalf: the address is erased. */
export async function removeSubscriber(ctx: ServiceContext, statusPageId: number, subscriberId: string): Promise<void> {
  const { team, page } = await teamPage(ctx, statusPageId);
  const row = await q.findTeamSubscriber(ctx.db, team.id, page.id, subscriberId);
  if (!row || row.status === 'unsubscribed') throw new NotFound('Subscriber');
  await transactionWithRetry(ctx.db, (trx) => q.erase(trx, subscriberId));
}

function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Every live subscriber of the page as CSV (formula cells escaped, SPEC 8). */
export async function exportSubscribers(ctx: ServiceContext, statusPageId: number): Promise<string> {
  const { team, page } = await teamPage(ctx, statusPageId);
  const lines = ['id,type,address,status,confirmed,component_ids,created_at'];
  let before: string | null = null;
  for (;;) {
    const rows = await q.listLive(ctx.db, team.id, page.id, { limit: 1000, before });
    for (const r of rows) {
      const s = toSubscriber(r);
      lines.push([s.id, s.type, s.email ?? s.url ?? '', s.status, String(s.confirmed), s.component_ids.join(' '), s.created_at].map(csvCell).join(','));
    }
    if (rows.length < 1000) break;
    before = String(rows.at(-1)!.id);
  }
  return `${lines.join('\r\n')}\r\n`;
}

export async function noticeSettings(ctx: ServiceContext, statusPageId: number) {
  const { page } = await teamPage(ctx, statusPageId);
  return { notices_paused: Boolean(page.notices_paused), ...(await q.countLive(ctx.db, page.id)) };
}

export async function setNoticesPaused(ctx: ServiceContext, statusPageId: number, paused: boolean) {
  const { team, page } = await teamPage(ctx, statusPageId);
  await q.setPaused(ctx.db, team.id, page.id, paused);
  return noticeSettings(ctx, statusPageId);
}

/** Subscriber messages in the delivery log (beside GET …/alerts, which lists channel alerts). */
export async function listDeliveries(ctx: ServiceContext, query: { limit: number; cursor?: string | undefined; status_page_id?: number | undefined; status?: 'pending' | 'sent' | 'failed' | 'skipped' | undefined; kind?: SubscriberDelivery['kind'] | undefined }) {
  const team = teamScope(ctx);
  if (query.cursor !== undefined && !/^\d{1,20}$/.test(query.cursor)) throw new BadRequest('cursor is not a valid cursor for this list.');
  const rows = await q.listDeliveries(ctx.db, team.id, { statusPageId: query.status_page_id, status: query.status, kind: query.kind }, query.limit + 1, query.cursor ?? null);
  const shown = rows.slice(0, query.limit);
  return {
    items: shown.map(
      (r): SubscriberDelivery => ({
        id: String(r.id),
        status_page_id: r.status_page_id,
        subscriber_id: String(r.subscriber_id),
        subscriber_type: r.subscriber_type,
        kind: r.kind,
        notice_id: r.notice_id === null ? null : String(r.notice_id),
        status: r.status,
        attempts: r.attempts,
        last_error: r.last_error,
        provider_status_code: r.provider_status_code,
        idempotency_key: r.idempotency_key,
        created_at: r.created_at.toISOString(),
        last_attempt_at: r.last_attempt_at ? r.last_attempt_at.toISOString() : null,
        sent_at: r.sent_at ? r.sent_at.toISOString() : null,
      }),
    ),
    next_cursor: rows.length > query.limit ? String(shown.at(-1)!.id) : null,
  };
}
