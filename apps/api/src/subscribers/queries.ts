import { sql, type Db, type SubscriberMessageKind, type SubscriberType } from '@sentrypulse/db';

/** SQL of the subscribers feature (api side). Team-owned rows are filtered by team_id. */

const SUBSCRIBER_COLUMNS = [
  'id',
  'team_id',
  'status_page_id',
  'type',
  'status',
  'address',
  'component_ids',
  'token_nonce',
  'confirm_token_hash',
  'confirm_nonce',
  'confirm_expires_at',
  'confirmed_at',
  'created_at',
  'updated_at',
] as const;

export function pageComponents(db: Db, statusPageId: number) {
  return db
    .selectFrom('status_page_components')
    .select(['id', 'display_name', 'group_name', 'monitor_id'])
    .where('status_page_id', '=', statusPageId)
    .orderBy('position')
    .execute();
}

export function findByAddress(db: Db, statusPageId: number, type: SubscriberType, addressHash: string) {
  return db
    .selectFrom('status_page_subscribers')
    .select(SUBSCRIBER_COLUMNS)
    .where('status_page_id', '=', statusPageId)
    .where('type', '=', type)
    .where('address_hash', '=', addressHash)
    .forUpdate()
    .executeTakeFirst();
}

export function findById(db: Db, id: string) {
  return db.selectFrom('status_page_subscribers').select(SUBSCRIBER_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export function findByConfirmHash(db: Db, hash: string) {
  return db.selectFrom('status_page_subscribers').select(SUBSCRIBER_COLUMNS).where('confirm_token_hash', '=', hash).forUpdate().executeTakeFirst();
}

export async function countLive(db: Db, statusPageId: number): Promise<{ active: number; pending: number }> {
  const rows = await db
    .selectFrom('status_page_subscribers')
    .select(['status', sql<number>`COUNT(*)`.as('n')])
    .where('status_page_id', '=', statusPageId)
    .where('status', 'in', ['active', 'pending'])
    .groupBy('status')
    .execute();
  const of = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
  return { active: of('active'), pending: of('pending') };
}

export interface NewSubscriber {
  team_id: number;
  status_page_id: number;
  type: SubscriberType;
  address: string;
  address_hash: string;
  component_ids: number[] | null;
  secret_ciphertext: string | null;
  token_nonce: string;
  confirm_token_hash: string | null;
  confirm_nonce: string | null;
  confirm_expires_at: Date | null;
}

export async function insertSubscriber(db: Db, row: NewSubscriber): Promise<string> {
  const res = await db
    .insertInto('status_page_subscribers')
    .values({ ...row, component_ids: row.component_ids ? JSON.stringify(row.component_ids) : null })
    .executeTakeFirstOrThrow();
  return String(res.insertId);
}

/** Re-arms a pending or unsubscribed row for a new opt-in (new address copy, nonces, components). */
export async function rearmSubscriber(db: Db, id: string, row: Omit<NewSubscriber, 'team_id' | 'status_page_id' | 'type' | 'address_hash'>): Promise<void> {
  await db
    .updateTable('status_page_subscribers')
    .set({
      ...row,
      component_ids: row.component_ids ? JSON.stringify(row.component_ids) : null,
      status: 'pending',
      unsubscribed_at: null,
      confirmed_at: null,
      updated_at: sql<Date>`CURRENT_TIMESTAMP(3)`,
    })
    .where('id', '=', id)
    .execute();
}

export async function insertDelivery(
  db: Db,
  row: { team_id: number; status_page_id: number; subscriber_id: string; subscriber_type: SubscriberType; kind: SubscriberMessageKind; message_key: string; idempotency_key: string },
): Promise<string | null> {
  const res = await db.insertInto('subscriber_deliveries').ignore().values(row).executeTakeFirst();
  return res.numInsertedOrUpdatedRows && res.numInsertedOrUpdatedRows > 0n ? String(res.insertId) : null;
}

export async function activate(db: Db, id: string): Promise<void> {
  await db
    .updateTable('status_page_subscribers')
    .set({
      status: 'active',
      confirmed_at: sql<Date>`CURRENT_TIMESTAMP(3)`,
      confirm_token_hash: null,
      confirm_nonce: null,
      confirm_expires_at: null,
      updated_at: sql<Date>`CURRENT_TIMESTAMP(3)`,
    })
    .where('id', '=', id)
    .execute();
}

/** Unsubscribe = erase: the address, secret and choices go; the HMAC of the address stays. */
export async function erase(db: Db, id: string): Promise<void> {
  await db
    .updateTable('status_page_subscribers')
    .set({
      status: 'unsubscribed',
      address: null,
      secret_ciphertext: null,
      component_ids: null,
      confirm_token_hash: null,
      confirm_nonce: null,
      confirm_expires_at: null,
      unsubscribed_at: sql<Date>`CURRENT_TIMESTAMP(3)`,
      updated_at: sql<Date>`CURRENT_TIMESTAMP(3)`,
    })
    .where('id', '=', id)
    .execute();
  await db
    .updateTable('subscriber_deliveries')
    .set({ status: 'skipped', last_error: 'unsubscribed', updated_at: sql<Date>`CURRENT_TIMESTAMP(3)` })
    .where('subscriber_id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

export async function setComponents(db: Db, id: string, componentIds: number[] | null): Promise<void> {
  await db
    .updateTable('status_page_subscribers')
    .set({ component_ids: componentIds ? JSON.stringify(componentIds) : null, updated_at: sql<Date>`CURRENT_TIMESTAMP(3)` })
    .where('id', '=', id)
    .execute();
}

export function findTeamPage(db: Db, teamId: number, statusPageId: number) {
  return db.selectFrom('status_pages').select(['id', 'slug', 'title', 'notices_paused']).where('team_id', '=', teamId).where('id', '=', statusPageId).executeTakeFirst();
}

export async function setPaused(db: Db, teamId: number, statusPageId: number, paused: boolean): Promise<void> {
  await db.updateTable('status_pages').set({ notices_paused: paused }).where('team_id', '=', teamId).where('id', '=', statusPageId).execute();
}

/** Live (active or pending) subscribers of a page, newest first, keyset by id. */
export function listLive(db: Db, teamId: number, statusPageId: number, opts: { limit: number; before: string | null; q?: string; status?: 'active' | 'pending' }) {
  let q = db
    .selectFrom('status_page_subscribers')
    .select(['id', 'type', 'status', 'address', 'component_ids', 'confirmed_at', 'created_at'])
    .where('team_id', '=', teamId)
    .where('status_page_id', '=', statusPageId)
    .where('status', 'in', opts.status ? [opts.status] : ['active', 'pending']);
  if (opts.before) q = q.where('id', '<', opts.before);
  if (opts.q) q = q.where('address', 'like', `%${opts.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return q.orderBy('id', 'desc').limit(opts.limit).execute();
}

export async function findTeamSubscriber(db: Db, teamId: number, statusPageId: number, id: string) {
  return db
    .selectFrom('status_page_subscribers')
    .select(['id', 'status'])
    .where('team_id', '=', teamId)
    .where('status_page_id', '=', statusPageId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The subscriber side of the team's delivery log, newest first (keyset by BIGINT id). */
export function listDeliveries(
  db: Db,
  teamId: number,
  filter: { statusPageId?: number | undefined; status?: 'pending' | 'sent' | 'failed' | 'skipped' | undefined; kind?: SubscriberMessageKind | undefined },
  limit: number,
  beforeId: string | null,
) {
  let q = db.selectFrom('subscriber_deliveries').selectAll().where('team_id', '=', teamId);
  if (filter.statusPageId !== undefined) q = q.where('status_page_id', '=', filter.statusPageId);
  if (filter.status !== undefined) q = q.where('status', '=', filter.status);
  if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
  if (beforeId !== null) q = q.where('id', '<', beforeId);
  return q.orderBy('id', 'desc').limit(limit).execute();
}

export function teamPlan(db: Db, teamId: number) {
  return db.selectFrom('teams').select('plan').where('id', '=', teamId).executeTakeFirstOrThrow();
}

export async function setConfirmHash(db: Db, id: string, hash: string): Promise<void> {
  await db.updateTable('status_page_subscribers').set({ confirm_token_hash: hash }).where('id', '=', id).execute();
}

export function pageTitle(db: Db, statusPageId: number) {
  return db.selectFrom('status_pages').select(['slug', 'title']).where('id', '=', statusPageId).executeTakeFirstOrThrow();
}
