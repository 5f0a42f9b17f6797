import { sql, type Db } from '@sentrypulse/db';
import { SPARKLINE_CHECKS, Sparklines, SparklinesQuery, TeamParams, type CheckStatus } from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { teamOf } from '../plugins/access';

/**
 * The last 30 checks of up to 100 monitors of the team, for the monitors list's sparklines:
 * one request per batch of visible rows instead of one per row (ADR 0084).
 *
 * Two statements. The ids are first narrowed to the team's monitors (primary key lookups), so
 * ids of other teams or of deleted monitors (whose checks outlive them until retention, ADR 0013)
 * are absent from the answer and cost nothing. Then one UNION ALL of a `LIMIT 30` per monitor:
 * each arm is a backward range scan of monitor_checks_monitor_time_idx (monitor_id, checked_at),
 * so the work is 30 index entries and 30 row reads per monitor however much history there is.
 * A window function (ROW_NUMBER() OVER (PARTITION BY monitor_id ...)) would read every check
 * of every monitor asked for; MariaDB has no LATERAL join. Measured in bench/sparklines.
 */
export async function sparklines(db: Db, teamId: number, ids: number[]): Promise<Sparklines> {
  if (ids.length === 0) return { items: [] };
  const owned = (await db.selectFrom('monitors').select('id').where('team_id', '=', teamId).where('id', 'in', ids).orderBy('id').execute()).map((m) => m.id);
  if (owned.length === 0) return { items: [] };
  const arms = owned.map(
    (id) => sql`(SELECT monitor_id, id, status, response_time_ms, checked_at FROM monitor_checks FORCE INDEX (monitor_checks_monitor_time_idx)
      WHERE monitor_id = ${id} AND team_id = ${teamId} ORDER BY checked_at DESC, id DESC LIMIT ${SPARKLINE_CHECKS})`,
  );
  const { rows } = await sql<{ monitor_id: number; id: number | string; status: CheckStatus; response_time_ms: number | null; checked_at: Date }>`${sql.join(arms, sql` UNION ALL `)}`.execute(db);
  const byMonitor = new Map<number, typeof rows>(owned.map((id) => [id, []]));
  for (const r of rows) byMonitor.get(r.monitor_id)?.push(r);
  return {
    items: owned.map((id) => ({
      monitor_id: id,
      // Newest first from the index; the chart draws oldest first.
      checks: byMonitor
        .get(id)!
        .reverse()
        .map((c) => ({ status: c.status, response_time_ms: c.response_time_ms, checked_at: c.checked_at.toISOString() })),
    })),
  };
}

const tags = ['monitors'];

export const sparklineRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/teams/:teamId/monitors/sparklines',
    {
      config: { permission: 'monitors.read' },
      schema: {
        tags,
        summary: 'The last 30 checks of up to 100 monitors (the list sparklines)',
        description: 'Ids of monitors the team does not have are left out of the answer.',
        params: TeamParams,
        querystring: SparklinesQuery,
        response: { 200: Sparklines },
      },
    },
    async (req) => sparklines(app.db, teamOf(req).id, req.query.ids),
  );
};
