import { AlertList, AlertListQuery, TeamParams, type Alert } from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { BadRequest } from '../errors';
import { teamOf } from '../plugins/access';

/**
 * The delivery log (SPEC 4.4): one row per (event, channel) with its status, attempts, last error
 * and provider code; newest first, keyset-paginated, filterable by channel, status and event type.
 */
export const alertRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/teams/:teamId/alerts',
    {
      config: { permission: 'channels.read' },
      schema: { tags: ['channels'], summary: 'Delivery log of alerts', params: TeamParams, querystring: AlertListQuery, response: { 200: AlertList } },
    },
    async (req) => {
      const team = teamOf(req);
      const { limit, cursor, channel_id, status, event_type } = req.query;
      if (cursor !== undefined && !/^\d{1,20}$/.test(cursor)) throw new BadRequest('cursor is not a valid cursor for this list.');
      let q = app.db.selectFrom('alerts_sent').selectAll().where('team_id', '=', team.id);
      if (channel_id !== undefined) q = q.where('channel_id', '=', channel_id);
      if (status !== undefined) q = q.where('status', '=', status);
      if (event_type !== undefined) q = q.where('event_type', '=', event_type);
      if (cursor !== undefined) q = q.where('id', '<', cursor);
      const rows = await q.orderBy('id', 'desc').limit(limit + 1).execute();
      const page = rows.slice(0, limit);
      return {
        items: page.map(
          (r): Alert => ({
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
          }),
        ),
        next_cursor: rows.length > limit ? String(page.at(-1)!.id) : null,
      };
    },
  );
};
