import type { Database, Db, Insertable } from '@sentrypulse/db';

/** The seed's own SQL: the demo user, and undoing a seed that failed half-way. */

export async function userExists(db: Db, email: string): Promise<boolean> {
  return (await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()) !== undefined;
}

export async function insertUser(db: Db, v: { name: string; email: string; password_hash: string }): Promise<number> {
  const res = await db.insertInto('users').values(v).executeTakeFirstOrThrow();
  return Number(res.insertId);
}

/** Removes the demo team (what the seeders wrote goes by cascade) and its user. */
export async function removeDemo(db: Db, teamId: number, userId: number): Promise<void> {
  // Raw pageviews have no foreign key to their site: they go first, the rest by cascade.
  const sites = await db.selectFrom('sites').select('id').where('team_id', '=', teamId).execute();
  if (sites.length) await db.deleteFrom('pageviews_raw').where('site_id', 'in', sites.map((x) => x.id)).execute();
  await db.deleteFrom('teams').where('id', '=', teamId).execute();
  await db.deleteFrom('users').where('id', '=', userId).execute();
}

/** The team's monitors as refreshUptime24h reads them (after the history is backfilled). */
export function monitorUptimeRows(db: Db, teamId: number) {
  return db.selectFrom('monitors').select(['id', 'created_at', 'uptime_percentage']).where('team_id', '=', teamId).execute();
}

/** Removes a demo account left over from a seed that failed after creating it. */
export async function deleteUserByEmail(db: Db, email: string): Promise<void> {
  await db.deleteFrom('users').where('email', '=', email).execute();
}

/** Marks a demo channel disabled with the reason the dashboard shows (placeholder credentials). */
export async function setChannelDisabledReason(db: Db, teamId: number, channelId: number, reason: string): Promise<void> {
  await db.updateTable('notification_channels').set({ disabled_reason: reason }).where('id', '=', channelId).where('team_id', '=', teamId).execute();
}

/** Puts an escalation policy on the team's first `count` monitors (by id). */
export async function setPolicyOnFirstMonitors(db: Db, teamId: number, policyId: number, count: number): Promise<void> {
  const monitors = await db.selectFrom('monitors').select('id').where('team_id', '=', teamId).orderBy('id').limit(count).execute();
  if (monitors.length === 0) return;
  await db.updateTable('monitors').set({ escalation_policy_id: policyId }).where('team_id', '=', teamId).where('id', 'in', monitors.map((m) => m.id)).execute();
}

export function statusPageBySlug(db: Db, teamId: number, slug: string) {
  return db.selectFrom('status_pages').select('id').where('team_id', '=', teamId).where('slug', '=', slug).executeTakeFirst();
}

export function statusPageComponents(db: Db, statusPageId: number) {
  return db.selectFrom('status_page_components').select(['id', 'display_name']).where('status_page_id', '=', statusPageId).execute();
}

/** Demo subscribers inserted as the subscribe verb leaves them (no confirmation mail queued). */
export async function insertSubscribers(db: Db, rows: Insertable<Database['status_page_subscribers']>[]): Promise<void> {
  if (rows.length) await db.insertInto('status_page_subscribers').values(rows).execute();
}
