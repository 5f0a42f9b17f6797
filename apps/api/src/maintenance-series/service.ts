import { deleteSeriesWindows, expandSeries } from '@sentrypulse/db';
import { nextOccurrences, occurrencesBetween, RecurrenceError, validateSeries, type MaintenanceSeries, type MaintenanceSeriesBody, type Series } from '@sentrypulse/shared/recurrence';
import { teamScope, userScope, type ServiceContext } from '../context';
import { BadRequest, NotFound } from '../errors';
import { keysetPage } from '../pagination';
import * as q from './queries';

/** Occurrences that exist as windows ahead of time (the worker's sweep rolls the rest forward). */
const HORIZON_MS = 14 * 86_400_000;

function checked(s: Series): void {
  try {
    validateSeries(s);
  } catch (err) {
    if (err instanceof RecurrenceError) {
      const path = /timezone|zone/.test(err.message) ? 'timezone' : /starts_at_local/.test(err.message) ? 'starts_at_local' : /duration/.test(err.message) ? 'duration_minutes' : 'rrule';
      throw new BadRequest(`${path}: ${err.message}`, { errors: [{ path, message: err.message }] });
    }
    throw err;
  }
}

function iso(o: { starts_at: Date; ends_at: Date }) {
  return { starts_at: o.starts_at.toISOString(), ends_at: o.ends_at.toISOString() };
}

/** The next five occurrences of a draft rule: the recurrence editor's preview. */
export function previewSeries(ctx: ServiceContext, s: Series, now = new Date()) {
  teamScope(ctx);
  checked(s);
  return { occurrences: nextOccurrences(s, now, 5).map(iso) };
}

type Row = NonNullable<Awaited<ReturnType<typeof q.findSeries>>>;
function toSeries(r: Row, now: Date): MaintenanceSeries {
  let next: Array<{ starts_at: string; ends_at: string }> = [];
  try {
    next = nextOccurrences(r, now, 5).map(iso);
  } catch {
    next = [];
  }
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    rrule: r.rrule,
    timezone: r.timezone,
    starts_at_local: r.starts_at_local,
    duration_minutes: r.duration_minutes,
    monitor_ids: r.monitor_ids,
    next_occurrences: next,
    created_at: r.created_at.toISOString(),
  };
}

export async function createSeries(ctx: ServiceContext, body: MaintenanceSeriesBody, now = new Date()): Promise<MaintenanceSeries> {
  const team = teamScope(ctx);
  const userId = userScope(ctx);
  checked(body);
  const ok = await q.teamMonitorIds(ctx.db, team.id, body.monitor_ids);
  const missing = body.monitor_ids.find((id) => !ok.has(id));
  if (missing !== undefined) throw new BadRequest(`monitor_ids contains ${missing}, which is not a monitor of this team.`, { errors: [{ path: 'monitor_ids', message: `unknown id ${missing}` }] });
  const row = { team_id: team.id, title: body.title, description: body.description ?? null, rrule: body.rrule, timezone: body.timezone, starts_at_local: body.starts_at_local, duration_minutes: body.duration_minutes, monitor_ids: [...new Set(body.monitor_ids)], created_by: userId };
  const id = await q.insertSeries(ctx.db, row);
  const horizon = new Date(now.getTime() + HORIZON_MS);
  await expandSeries(ctx.db, { id, ...row }, occurrencesBetween(row, now, horizon, 500), horizon);
  return toSeries((await q.findSeries(ctx.db, team.id, id))!, now);
}

export async function listSeries(ctx: ServiceContext, limit: number, cursor: number | null, now = new Date()) {
  const team = teamScope(ctx);
  const rows = await q.listSeries(ctx.db, team.id, cursor, limit + 1);
  return keysetPage(rows, limit, (r) => r.id, (r) => toSeries(r, now));
}

/** Ends a series: its future windows go, past and running ones stay. */
export async function deleteSeries(ctx: ServiceContext, id: number, now = new Date()): Promise<void> {
  const team = teamScope(ctx);
  if (!(await q.findSeries(ctx.db, team.id, id))) throw new NotFound('Maintenance series');
  await deleteSeriesWindows(ctx.db, team.id, id, now);
  await q.deleteSeries(ctx.db, team.id, id);
}
