import type { AlertEventType, AlertStatus, Db } from '@sentrypulse/db';

export interface AlertFilter {
  channelId?: number;
  status?: AlertStatus;
  eventType?: AlertEventType;
}

/** The team's delivery log, newest first, keyset by id (a BIGINT, so the cursor is a decimal string). */
export function listAlerts(db: Db, teamId: number, filter: AlertFilter, limit: number, beforeId: string | null) {
  let q = db.selectFrom('alerts_sent').selectAll().where('team_id', '=', teamId);
  if (filter.channelId !== undefined) q = q.where('channel_id', '=', filter.channelId);
  if (filter.status !== undefined) q = q.where('status', '=', filter.status);
  if (filter.eventType !== undefined) q = q.where('event_type', '=', filter.eventType);
  if (beforeId !== null) q = q.where('id', '<', beforeId);
  return q.orderBy('id', 'desc').limit(limit).execute();
}
