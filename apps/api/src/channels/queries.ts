import { newWebhookId, sql, type Db } from '@sentrypulse/db';
import type { ChannelType } from '@sentrypulse/shared';

/**
 * Notification channels of a team and their "send test" rows; every query takes the team id.
 * One channel by id is `findChannel` in @sentrypulse/db, which the worker's dispatcher also runs.
 */

/** Keyset by id, oldest first; `limit` rows at most. */
export function listChannels(db: Db, teamId: number, afterId: number | null, limit: number) {
  let q = db.selectFrom('notification_channels').selectAll().where('team_id', '=', teamId);
  if (afterId !== null) q = q.where('id', '>', afterId);
  return q.orderBy('id').limit(limit).execute();
}

export interface NewChannel {
  type: ChannelType;
  name: string;
  /** The JSON of the non-secret config fields. */
  config: string;
  secret_ciphertext: string | null;
  is_default: boolean;
  enabled: boolean;
}

export async function insertChannel(db: Db, teamId: number, v: NewChannel): Promise<number> {
  const res = await db.insertInto('notification_channels').values({ team_id: teamId, ...v }).executeTakeFirstOrThrow();
  return Number(res.insertId);
}

export interface ChannelChanges {
  name?: string;
  is_default?: boolean;
  enabled?: boolean;
  disabled_reason?: null;
  config?: string;
  secret_ciphertext?: string | null;
}

export async function updateChannel(db: Db, teamId: number, id: number, set: ChannelChanges): Promise<void> {
  await db
    .updateTable('notification_channels')
    .set({ ...set, updated_at: sql<Date>`CURRENT_TIMESTAMP(3)` })
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .execute();
}

/** The number of channels deleted (0 or 1). */
export async function deleteChannel(db: Db, teamId: number, id: number): Promise<number> {
  const res = await db.deleteFrom('notification_channels').where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** A pending 'test' delivery through the channel; its alerts_sent id. */
export async function insertTestAlert(db: Db, teamId: number, channelId: number, channelType: ChannelType, eventKey: string): Promise<string> {
  const res = await db
    .insertInto('alerts_sent')
    .values({
      team_id: teamId,
      channel_id: channelId,
      channel_type: channelType,
      event_id: null,
      event_key: eventKey,
      event_type: 'test',
      idempotency_key: newWebhookId(),
    })
    .executeTakeFirstOrThrow();
  return String(res.insertId);
}

export async function deleteAlert(db: Db, teamId: number, alertId: string): Promise<void> {
  await db.deleteFrom('alerts_sent').where('team_id', '=', teamId).where('id', '=', alertId).execute();
}
