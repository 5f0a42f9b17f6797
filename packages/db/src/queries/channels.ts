import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Routes a monitor to channels (SPEC 4.4). `channelIds` undefined = the team's default channels
 * (what a new monitor gets); an array replaces the routing exactly (empty = no alerts). Ids that are
 * not channels of this team are reported back and nothing is written, so the caller can answer 400
 * (call it inside the caller's transaction to roll the monitor back too).
 */
export async function assignMonitorChannels(
  db: Executor,
  teamId: number,
  monitorId: number,
  channelIds: number[] | undefined,
): Promise<{ unknownIds: number[] }> {
  let ids: number[];
  if (channelIds === undefined) {
    const defaults = await db
      .selectFrom('notification_channels')
      .select('id')
      .where('team_id', '=', teamId)
      .where('is_default', '=', true)
      .execute();
    ids = defaults.map((r) => r.id);
  } else {
    ids = [...new Set(channelIds)];
    if (ids.length > 0) {
      const found = await db
        .selectFrom('notification_channels')
        .select('id')
        .where('team_id', '=', teamId)
        .where('id', 'in', ids)
        .execute();
      const known = new Set(found.map((r) => r.id));
      const unknownIds = ids.filter((id) => !known.has(id));
      if (unknownIds.length > 0) return { unknownIds };
    }
  }
  await db.deleteFrom('monitor_channels').where('team_id', '=', teamId).where('monitor_id', '=', monitorId).execute();
  if (ids.length > 0) {
    await db
      .insertInto('monitor_channels')
      .values(ids.map((channel_id) => ({ monitor_id: monitorId, channel_id, team_id: teamId })))
      .execute();
  }
  return { unknownIds: [] };
}

/** Channel ids a monitor routes to, ascending (for the monitor's `channel_ids`). */
export async function monitorChannelIds(db: Executor, teamId: number, monitorId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('monitor_channels')
    .select('channel_id')
    .where('team_id', '=', teamId)
    .where('monitor_id', '=', monitorId)
    .orderBy('channel_id')
    .execute();
  return rows.map((r) => r.channel_id);
}

/** Channel ids per monitor for a page of monitors, one query. */
export async function channelIdsByMonitor(db: Executor, teamId: number, monitorIds: number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  if (monitorIds.length === 0) return out;
  const rows = await db
    .selectFrom('monitor_channels')
    .select(['monitor_id', 'channel_id'])
    .where('team_id', '=', teamId)
    .where('monitor_id', 'in', monitorIds)
    .orderBy('channel_id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.monitor_id) ?? [];
    list.push(r.channel_id);
    out.set(r.monitor_id, list);
  }
  return out;
}

export type ChannelRow = Awaited<ReturnType<typeof findChannel>> & object;

export async function findChannel(db: Executor, teamId: number, id: number) {
  return db
    .selectFrom('notification_channels')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * The enabled channels an event goes to: the monitor's routing, or the team's default channels for
 * events without a monitor (manual incidents).
 */
export async function channelsForEvent(db: Executor, teamId: number, monitorId: number | null) {
  let q = db.selectFrom('notification_channels as c').selectAll('c').where('c.team_id', '=', teamId).where('c.enabled', '=', true);
  if (monitorId === null) {
    q = q.where('c.is_default', '=', true);
  } else {
    q = q.where('c.id', 'in', (eb) =>
      eb.selectFrom('monitor_channels').select('channel_id').where('team_id', '=', teamId).where('monitor_id', '=', monitorId),
    );
  }
  return q.orderBy('c.id').execute();
}

/** Disables a channel the provider told us is gone for good (webhook 410, revoked token). */
export async function disableChannel(db: Executor, teamId: number, channelId: number, reason: string): Promise<void> {
  await db
    .updateTable('notification_channels')
    .set({ enabled: false, disabled_reason: reason.slice(0, 255), updated_at: sql<Date>`CURRENT_TIMESTAMP(3)` })
    .where('team_id', '=', teamId)
    .where('id', '=', channelId)
    .execute();
}

/** The Standard Webhooks message id, stored with the row and sent on every attempt. */
export function newWebhookId(): string {
  return `msg_${randomBytes(16).toString('base64url')}`;
}

/** Records a dead letter once per (queue, job id); data must carry ids only, never secrets. */
export async function recordFailedJob(
  db: Executor,
  row: { queue: string; job_id: string; name: string; team_id: number | null; data: Record<string, unknown>; error: string; attempts: number },
): Promise<void> {
  await db
    .insertInto('failed_jobs')
    .values({ ...row, data: JSON.stringify(row.data), error: row.error.slice(0, 5000) })
    .onDuplicateKeyUpdate({ error: row.error.slice(0, 5000), attempts: row.attempts, failed_at: sql<Date>`CURRENT_TIMESTAMP(3)` })
    .execute();
}
