import type { Db } from '../connection';
import { transactionWithRetry } from '../retry';

/**
 * Expanding recurring maintenance into maintenance_windows (ADR 0135), shared by the API (at
 * creation, so the page shows the next occurrence at once) and the worker's sweep (rolling ahead).
 * `occurrences` come from the shared recurrence rules; this only writes them, idempotently.
 */
export async function expandSeries(
  db: Db,
  series: { id: number; team_id: number; title: string; description: string | null; monitor_ids: number[]; created_by: number | null },
  occurrences: Array<{ starts_at: Date; ends_at: Date }>,
  horizon: Date,
): Promise<number> {
  let added = 0;
  for (const o of occurrences) {
    await transactionWithRetry(db, async (trx) => {
      const exists = await trx.selectFrom('maintenance_occurrences').select('window_id').where('series_id', '=', series.id).where('starts_at', '=', o.starts_at).forUpdate().executeTakeFirst();
      if (exists) return;
      const w = await trx
        .insertInto('maintenance_windows')
        .values({ team_id: series.team_id, title: series.title, description: series.description, starts_at: o.starts_at, ends_at: o.ends_at, created_by: series.created_by })
        .executeTakeFirstOrThrow();
      const windowId = Number(w.insertId);
      if (series.monitor_ids.length) {
        await trx.insertInto('maintenance_monitors').values(series.monitor_ids.map((monitor_id) => ({ maintenance_id: windowId, monitor_id, team_id: series.team_id }))).execute();
      }
      await trx.insertInto('maintenance_occurrences').values({ series_id: series.id, starts_at: o.starts_at, window_id: windowId }).execute();
      added += 1;
    });
  }
  await db.updateTable('maintenance_series').set({ expanded_until: horizon }).where('id', '=', series.id).execute();
  return added;
}

/** Series whose expansion has not reached `horizon` yet. */
export function seriesToExpand(db: Db, horizon: Date, limit = 200) {
  return db
    .selectFrom('maintenance_series')
    .selectAll()
    .where((eb) => eb.or([eb('expanded_until', 'is', null), eb('expanded_until', '<', horizon)]))
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Deleting a series removes its windows that have not started; past ones stay as history. */
export async function deleteSeriesWindows(db: Db, teamId: number, seriesId: number, now: Date): Promise<void> {
  const future = await db
    .selectFrom('maintenance_occurrences as o')
    .innerJoin('maintenance_windows as w', 'w.id', 'o.window_id')
    .select('w.id')
    .where('o.series_id', '=', seriesId)
    .where('w.team_id', '=', teamId)
    .where('w.starts_at', '>', now)
    .execute();
  if (future.length) await db.deleteFrom('maintenance_windows').where('team_id', '=', teamId).where('id', 'in', future.map((f) => f.id)).execute();
}
