import type { Alert, AlertListQuery } from '@sentrypulse/shared';
import type { z } from 'zod';
import { teamScope, type ServiceContext } from '../context';
import { BadRequest } from '../errors';
import { keysetPage } from '../pagination';
import * as q from './queries';

type AlertRow = Awaited<ReturnType<typeof q.listAlerts>>[number];

function toAlert(r: AlertRow): Alert {
  return {
    id: String(r.id),
    channel_id: r.channel_id,
    channel_type: r.channel_type,
    event_type: r.event_type,
    event_id: r.event_id === null ? null : String(r.event_id),
    incident_id: r.incident_id,
    monitor_id: r.monitor_id,
    status: r.status,
    attempts: r.attempts,
    last_error: r.last_error,
    provider_status_code: r.provider_status_code,
    idempotency_key: r.idempotency_key,
    created_at: r.created_at.toISOString(),
    last_attempt_at: r.last_attempt_at ? r.last_attempt_at.toISOString() : null,
    sent_at: r.sent_at ? r.sent_at.toISOString() : null,
  };
}

/**
 * The delivery log (SPEC 4.4): one row per (event, channel) with its status, attempts, last error
 * and provider code; newest first, keyset-paginated, filterable by channel, status and event type.
 */
export async function listAlerts(ctx: ServiceContext, query: z.infer<typeof AlertListQuery>) {
  const team = teamScope(ctx);
  const { limit, cursor, channel_id, status, event_type } = query;
  // Ids are BIGINTs: the cursor stays a decimal string, compared by MySQL.
  if (cursor !== undefined && !/^\d{1,20}$/.test(cursor)) throw new BadRequest('cursor is not a valid cursor for this list.');
  const rows = await q.listAlerts(ctx.db, team.id, { channelId: channel_id, status, eventType: event_type }, limit + 1, cursor ?? null);
  return keysetPage(rows, limit, (r) => r.id, toAlert);
}
