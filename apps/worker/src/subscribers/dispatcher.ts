import {
  confirmToken,
  decryptSecret,
  manageToken,
  newWebhookId,
  sql,
  type Db,
  type NoticeContent,
  type NoticeKind,
  type SubscriberType,
} from '@sentrypulse/db';
import { createHmac } from 'node:crypto';
import {
  confirmEmail,
  noticeDiscord,
  noticeEmail,
  noticeSlack,
  noticeWebhook,
  verificationWebhook,
  welcomeDiscord,
  welcomeSlack,
  type MessageLinks,
  type PageBrand,
} from './messages';
import type { SubscriberSenders, SendOutcome } from './senders';

/**
 * Subscriber dispatch as domain code (module.ts wires it to the queue), the alerts' pattern
 * (ADR 0021) for subscribers:
 * - fanOutBatch: one notice × one batch of the page's active subscribers → one
 *   subscriber_deliveries row each (unique per subscriber and message key: a replay inserts
 *   nothing) → the ids still pending, to enqueue, and where the next batch starts;
 * - deliverOne: one row → one attempt → the row updated with the outcome.
 */

export interface FanOutBatch {
  pendingIds: string[];
  /** The subscriber id the next batch starts after, or null when this was the last one. */
  nextAfter: string | null;
}

function wants(componentIds: number[] | null, noticeComponents: number[]): boolean {
  if (!componentIds || componentIds.length === 0 || noticeComponents.length === 0) return true;
  return componentIds.some((id) => noticeComponents.includes(id));
}

export async function fanOutBatch(db: Db, noticeId: string, afterId: string, batchSize: number): Promise<FanOutBatch> {
  const notice = await db.selectFrom('subscriber_notices').select(['id', 'team_id', 'status_page_id', 'kind', 'component_ids']).where('id', '=', noticeId).executeTakeFirst();
  if (!notice) return { pendingIds: [], nextAfter: null };
  const subscribers = await db
    .selectFrom('status_page_subscribers')
    .select(['id', 'type', 'component_ids'])
    .where('status_page_id', '=', notice.status_page_id)
    .where('status', '=', 'active')
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(batchSize)
    .execute();
  const chosen = subscribers.filter((s) => wants(s.component_ids, notice.component_ids));
  const messageKey = `notice:${notice.id}`;
  if (chosen.length > 0) {
    await db
      .insertInto('subscriber_deliveries')
      .ignore()
      .values(
        chosen.map((s) => ({
          team_id: notice.team_id,
          status_page_id: notice.status_page_id,
          subscriber_id: String(s.id),
          subscriber_type: s.type,
          notice_id: String(notice.id),
          kind: notice.kind,
          message_key: messageKey,
          idempotency_key: newWebhookId(),
        })),
      )
      .execute();
  }
  const pending = chosen.length
    ? await db
        .selectFrom('subscriber_deliveries')
        .select('id')
        .where('notice_id', '=', String(notice.id))
        .where('status', '=', 'pending')
        .where('subscriber_id', 'in', chosen.map((s) => String(s.id)))
        .execute()
    : [];
  const last = subscribers.at(-1);
  const nextAfter = subscribers.length === batchSize && last ? String(last.id) : null;
  if (nextAfter === null) {
    await db.updateTable('subscriber_notices').set({ fanned_out_at: sql<Date>`CURRENT_TIMESTAMP(3)` }).where('id', '=', String(notice.id)).where('fanned_out_at', 'is', null).execute();
  }
  return { pendingIds: pending.map((p) => String(p.id)), nextAfter };
}

export interface DeliverDeps {
  db: Db;
  senders: SubscriberSenders;
  encryptionKey: Buffer;
  publicUrl: string;
  confirmTtlHours: number;
}

export type DeliverResult =
  | { kind: 'missing' }
  | { kind: 'skipped'; reason: string }
  | { kind: 'delivered' }
  | { kind: 'failed'; error: string; retryable: boolean; retryAfterMs?: number };

export function linksFor(publicUrl: string, page: { slug: string; custom_domain?: string | null }, token: string, confirm?: string): MessageLinks {
  const base = `${publicUrl}/status/${page.slug}`;
  return {
    pageUrl: page.custom_domain ? `https://${page.custom_domain}/` : base,
    manageUrl: `${base}/manage?token=${encodeURIComponent(token)}`,
    unsubscribeUrl: `${base}/unsubscribe?token=${encodeURIComponent(token)}`,
    ...(confirm ? { confirmUrl: `${base}/confirm?token=${encodeURIComponent(confirm)}` } : {}),
  };
}

/** The challenge a webhook endpoint must echo: derived, so every retry asks the same. */
export function challengeOf(key: Buffer, subscriberId: string, nonce: string): string {
  return createHmac('sha256', key).update(`challenge:${subscriberId}:${nonce}`).digest('base64url').slice(0, 32);
}

async function finish(db: Db, id: string, status: 'sent' | 'failed' | 'skipped', set: Record<string, unknown>): Promise<void> {
  await db
    .updateTable('subscriber_deliveries')
    .set({ ...set, status, updated_at: sql<Date>`CURRENT_TIMESTAMP(3)` })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

const CACHE_MS = 5_000;
type PageInfo = { id: number; slug: string; title: string; logo_url: string | null; accent_color: string | null; custom_domain: string | null; is_public: number; notices_paused: number };
const pages = new Map<number, { at: number; row: Promise<PageInfo | undefined> }>();
const notices = new Map<string, { at: number; row: Promise<{ kind: NoticeKind; content: NoticeContent } | undefined> }>();

function cached<K, V>(map: Map<K, { at: number; row: Promise<V> }>, key: K, load: () => Promise<V>): Promise<V> {
  const hit = map.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.row;
  if (map.size > 500) map.clear();
  const row = load();
  map.set(key, { at: Date.now(), row });
  row.catch(() => map.delete(key));
  return row;
}

function pageOf(db: Db, id: number): Promise<PageInfo | undefined> {
  return cached(pages, id, () =>
    db
      .selectFrom('status_pages as p')
      // Links use the custom domain only once it is verified (ADR 0137): an unverified one serves nothing.
      .leftJoin('custom_domain_claims as c', (j) => j.onRef('c.status_page_id', '=', 'p.id').onRef('c.domain', '=', 'p.custom_domain').on('c.status', '=', 'verified'))
      .select(['p.id', 'p.slug', 'p.title', 'p.logo_url', 'p.accent_color', 'c.domain as custom_domain', 'p.is_public', 'p.notices_paused'])
      .where('p.id', '=', id)
      .executeTakeFirst(),
  );
}

function noticeOf(db: Db, id: string) {
  return cached(notices, id, async () => {
    const n = await db.selectFrom('subscriber_notices').select(['kind', 'content']).where('id', '=', id).executeTakeFirst();
    return n ? { kind: n.kind, content: n.content as NoticeContent } : undefined;
  });
}

/** Drops the short-lived caches (tests that change a page between steps). */
export function forgetCachedPages(): void {
  pages.clear();
  notices.clear();
}

/**
 * One attempt for one subscriber_deliveries row; safe to run twice (a row no longer pending is
 * skipped; the attempt is counted before sending). Unsubscribed subscribers get nothing, even
 * for a row made before they left.
 */
export async function deliverOne(deps: DeliverDeps, deliveryId: string, lastAttempt: boolean): Promise<DeliverResult> {
  const { db, encryptionKey: key } = deps;
  // One round trip for the row and its subscriber; the page and the notice are read through a
  // short cache (a notice is immutable, a page's branding may lag by seconds): a 10,000-subscriber
  // fan-out reads them once, not 10,000 times.
  const r = await db
    .selectFrom('subscriber_deliveries as d')
    .leftJoin('status_page_subscribers as s', 's.id', 'd.subscriber_id')
    .select([
      'd.id',
      'd.status',
      'd.kind',
      'd.notice_id',
      'd.status_page_id',
      'd.idempotency_key',
      's.id as s_id',
      's.team_id as s_team_id',
      's.type as s_type',
      's.status as s_status',
      's.address as s_address',
      's.secret_ciphertext as s_secret',
      's.token_nonce as s_token_nonce',
      's.confirm_nonce as s_confirm_nonce',
    ])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
  if (!r) return { kind: 'missing' };
  const d = r;
  if (d.status !== 'pending') return { kind: 'skipped', reason: `the delivery is already ${d.status}` };
  const s =
    r.s_id === null
      ? undefined
      : { id: r.s_id, team_id: r.s_team_id!, type: r.s_type!, status: r.s_status!, address: r.s_address, secret_ciphertext: r.s_secret, token_nonce: r.s_token_nonce!, confirm_nonce: r.s_confirm_nonce };
  const [page, notice] = await Promise.all([pageOf(db, d.status_page_id), d.notice_id !== null ? noticeOf(db, String(d.notice_id)) : Promise.resolve(undefined)]);
  const optIn = d.kind.startsWith('subscription.');
  let skip: string | null = null;
  if (!s || !page) skip = 'the subscriber or page no longer exists';
  else if (!s.address) skip = 'unsubscribed';
  else if (!optIn && s.status !== 'active') skip = `the subscriber is ${s.status}`;
  else if (optIn && s.status !== 'pending') skip = `the subscriber is already ${s.status}`;
  else if (!page.is_public) skip = 'the page is no longer public';
  else if (!optIn && page.notices_paused) skip = 'notices of this page are paused';
  else if (!optIn && !notice) skip = 'the notice no longer exists';
  if (skip || !s || !page) {
    await finish(db, deliveryId, 'skipped', { last_error: skip });
    return { kind: 'skipped', reason: skip ?? '' };
  }
  await db
    .updateTable('subscriber_deliveries')
    .set({ attempts: sql<number>`attempts + 1`, last_attempt_at: sql<Date>`CURRENT_TIMESTAMP(3)`, updated_at: sql<Date>`CURRENT_TIMESTAMP(3)` })
    .where('id', '=', deliveryId)
    .execute();

  const address = s.address!;
  const token = manageToken(key, String(s.id), s.token_nonce);
  const brand: PageBrand = { slug: page.slug, title: page.title, logo_url: page.logo_url, accent_color: page.accent_color };
  const type = s.type as SubscriberType;
  let outcome: SendOutcome;
  try {
    if (d.kind === 'subscription.confirm') {
      if (!s.confirm_nonce) throw new Error('no confirmation pending');
      const links = linksFor(deps.publicUrl, page, token, confirmToken(key, String(s.id), s.confirm_nonce));
      outcome = await deps.senders.email(address, confirmEmail(brand, links as MessageLinks & { confirmUrl: string }, deps.confirmTtlHours), links, d.idempotency_key);
    } else if (d.kind === 'subscription.verify') {
      const secret = decryptSecret(key, s.team_id, s.secret_ciphertext ?? '');
      const challenge = challengeOf(key, String(s.id), s.confirm_nonce ?? s.token_nonce);
      const links = linksFor(deps.publicUrl, page, token);
      outcome = await deps.senders.webhook(address, secret, verificationWebhook(brand, links, challenge, secret, new Date()), d.idempotency_key, { challenge });
    } else if (d.kind === 'subscription.welcome') {
      const links = linksFor(deps.publicUrl, page, token);
      outcome = await deps.senders.chat(address, type === 'slack' ? welcomeSlack(brand, links) : welcomeDiscord(brand, links));
    } else {
      const content = notice!.content as NoticeContent;
      const kind = notice!.kind as NoticeKind;
      const links = linksFor(deps.publicUrl, page, token);
      if (type === 'email') outcome = await deps.senders.email(address, noticeEmail(kind, content, brand, links), links, d.idempotency_key);
      else if (type === 'webhook') {
        const secret = decryptSecret(key, s.team_id, s.secret_ciphertext ?? '');
        outcome = await deps.senders.webhook(address, secret, noticeWebhook(kind, content, links, new Date()), d.idempotency_key);
      } else outcome = await deps.senders.chat(address, type === 'slack' ? noticeSlack(kind, content, links) : noticeDiscord(kind, content, brand, links));
    }
  } catch (err) {
    outcome = { kind: 'retryable', statusCode: null, error: err instanceof Error ? err.message.slice(0, 480) : String(err) };
  }

  if (outcome.kind === 'delivered') {
    await finish(db, deliveryId, 'sent', { provider_status_code: outcome.statusCode, provider_message_id: outcome.messageId ?? null, last_error: null, sent_at: sql<Date>`CURRENT_TIMESTAMP(3)` });
    // A working endpoint is the opt-in of webhooks (challenge echoed) and chat webhooks.
    if (d.kind === 'subscription.verify' || d.kind === 'subscription.welcome') {
      await db
        .updateTable('status_page_subscribers')
        .set({ status: 'active', confirmed_at: sql<Date>`CURRENT_TIMESTAMP(3)`, confirm_nonce: null, confirm_token_hash: null, confirm_expires_at: null, updated_at: sql<Date>`CURRENT_TIMESTAMP(3)` })
        .where('id', '=', String(s.id))
        .where('status', '=', 'pending')
        .execute();
    }
    return { kind: 'delivered' };
  }
  if (outcome.kind === 'permanent' && outcome.gone && !optIn) {
    // 410 Gone (RFC 8058's spirit for webhooks): the endpoint asked to stop; erase the subscriber.
    await db
      .updateTable('status_page_subscribers')
      .set({ status: 'unsubscribed', address: null, secret_ciphertext: null, component_ids: null, unsubscribed_at: sql<Date>`CURRENT_TIMESTAMP(3)`, updated_at: sql<Date>`CURRENT_TIMESTAMP(3)` })
      .where('id', '=', String(s.id))
      .execute();
  }
  const final = outcome.kind === 'permanent' || lastAttempt;
  await db
    .updateTable('subscriber_deliveries')
    .set({ status: final ? 'failed' : 'pending', last_error: outcome.error.slice(0, 500), provider_status_code: outcome.statusCode, updated_at: sql<Date>`CURRENT_TIMESTAMP(3)` })
    .where('id', '=', deliveryId)
    .where('status', '=', 'pending')
    .execute();
  return {
    kind: 'failed',
    error: outcome.error,
    retryable: !final,
    ...(outcome.kind === 'retryable' && outcome.retryAfterMs !== undefined ? { retryAfterMs: outcome.retryAfterMs } : {}),
  };
}

export async function failDelivery(db: Db, deliveryId: string, error: string): Promise<void> {
  await finish(db, deliveryId, 'failed', { last_error: error.slice(0, 500) });
}

/** Rows never attempted a while after they were made (their enqueue failed): hand them out again. */
export async function strayDeliveries(db: Db, olderThan: Date, limit = 1000): Promise<string[]> {
  const rows = await db
    .selectFrom('subscriber_deliveries')
    .select('id')
    .where('status', '=', 'pending')
    .where('attempts', '=', 0)
    .where('created_at', '<', olderThan)
    .where('created_at', '>', new Date(olderThan.getTime() - 24 * 3_600_000))
    .limit(limit)
    .execute();
  return rows.map((r) => String(r.id));
}
