import {
  assignMonitorEscalationPolicy,
  assignMonitorChannels,
  channelIdsByMonitor,
  findMonitor,
  resolveIncident,
  sql,
  maintenanceByMonitor,
  outagesByMonitor,
  type Db,
  type MonitorCheckRow,
  type MonitorRow,
} from '@sentrypulse/db';
import {
  lastUtcDates,
  monitorConfigIssues,
  UPTIME_WINDOWS,
  uptimeFigures,
  type Check,
  type CreateMonitorBody,
  type Monitor,
  type MonitorStats,
  type UpdateMonitorBody,
} from '@sentrypulse/shared';
import { randomBytes } from 'node:crypto';
import { BadRequest, Conflict, NotFound } from '../errors';
import { assertIntervalAllowed, assertWithinLimit } from '../teams/limits';
import type { TeamContext } from '../types';
import { enqueueCheckNow, removeMonitorSchedule, syncMonitorSchedule, type JobProducer } from '@sentrypulse/jobs';
import { viaRedis } from '../jobs';

export interface MonitorDeps {
  db: Db;
  jobs: JobProducer;
  apiPublicUrl: string;
  publishEvents(eventIds: string[]): Promise<void>;
}

const MASK = '********';
const SECRET_HEADER = /authorization|cookie|token|secret|key|password|auth/i;

function maskHeaders(headers: Record<string, string> | null): Record<string, string> | null {
  if (!headers) return null;
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, SECRET_HEADER.test(k) && v ? MASK : v]));
}

/** A PATCH that sends back a masked value keeps the stored secret. */
function unmaskHeaders(next: Record<string, string>, stored: Record<string, string> | null): Record<string, string> {
  return Object.fromEntries(Object.entries(next).map(([k, v]) => [k, v === MASK && stored?.[k] !== undefined ? stored[k]! : v]));
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toMonitor(m: MonitorRow, apiPublicUrl: string, channelIds: number[] = []): Monitor {
  return {
    id: m.id,
    team_id: m.team_id,
    name: m.name,
    type: m.type,
    url: m.url,
    method: m.method,
    headers: maskHeaders(m.headers),
    body: m.body,
    expected_status: m.expected_status,
    keyword: m.keyword,
    keyword_absent: Boolean(m.keyword_absent),
    json_path: m.json_path,
    json_expected: m.json_expected,
    follow_redirects: Boolean(m.follow_redirects),
    ssl_expiry_days: m.ssl_expiry_days,
    dns_record_type: m.dns_record_type,
    dns_expected: m.dns_expected,
    host: m.host,
    port: m.port,
    heartbeat_url: m.heartbeat_token ? `${apiPublicUrl}/api/heartbeat/${m.heartbeat_token}` : null,
    heartbeat_grace_seconds: m.heartbeat_grace_seconds,
    last_heartbeat_at: iso(m.last_heartbeat_at),
    interval_seconds: m.interval_seconds,
    timeout_ms: m.timeout_ms,
    confirmations: m.confirmations,
    recovery_confirmations: m.recovery_confirmations,
    degraded_threshold_ms: m.degraded_threshold_ms,
    alert_on_degraded: Boolean(m.alert_on_degraded),
    severity: m.severity,
    regions: m.regions,
    channel_ids: channelIds,
    escalation_policy_id: m.escalation_policy_id ?? null,
    enabled: Boolean(m.enabled),
    status: m.status,
    uptime_24h: m.uptime_percentage === null ? null : Number(m.uptime_percentage),
    last_checked_at: iso(m.last_checked_at),
    last_response_time_ms: m.last_response_time_ms,
    last_error: m.last_error,
    cert_expires_at: iso(m.cert_expires_at),
    created_at: m.created_at.toISOString(),
    updated_at: m.updated_at.toISOString(),
  };
}

async function assertChannels(trx: Parameters<typeof assignMonitorChannels>[0], teamId: number, monitorId: number, ids: number[] | undefined) {
  const { unknownIds } = await assignMonitorChannels(trx, teamId, monitorId, ids);
  if (unknownIds.length > 0) {
    throw new BadRequest(`channel_ids contains ${unknownIds[0]}, which is not a channel of this team.`, {
      errors: [{ path: 'channel_ids', message: `unknown id ${unknownIds[0]}` }],
    });
  }
}

async function assertPolicy(trx: Parameters<typeof assignMonitorChannels>[0], teamId: number, monitorId: number, policyId: number | null) {
  if (!(await assignMonitorEscalationPolicy(trx, teamId, monitorId, policyId))) {
    throw new BadRequest(`escalation_policy_id ${policyId} is not an escalation policy of this team.`, { errors: [{ path: 'escalation_policy_id', message: `unknown id ${policyId}` }] });
  }
}

async function withChannels(db: Db, teamId: number, rows: MonitorRow[], apiPublicUrl: string): Promise<Monitor[]> {
  const channels = await channelIdsByMonitor(db, teamId, rows.map((r) => r.id));
  return rows.map((r) => toMonitor(r, apiPublicUrl, channels.get(r.id) ?? []));
}

async function mustFind(db: Db, teamId: number, id: number): Promise<MonitorRow> {
  const m = await findMonitor(db, teamId, id);
  if (!m) throw new NotFound('Monitor');
  return m;
}

function configColumns(b: Partial<CreateMonitorBody>) {
  const out: Record<string, unknown> = {};
  const copy = [
    'name', 'url', 'method', 'body', 'expected_status', 'keyword', 'json_path', 'json_expected', 'ssl_expiry_days',
    'dns_record_type', 'host', 'port', 'heartbeat_grace_seconds', 'interval_seconds', 'timeout_ms', 'confirmations',
    'recovery_confirmations', 'degraded_threshold_ms', 'severity',
  ] as const;
  for (const k of copy) if (b[k] !== undefined) out[k] = b[k];
  if (b.keyword_absent !== undefined) out.keyword_absent = b.keyword_absent;
  if (b.follow_redirects !== undefined) out.follow_redirects = b.follow_redirects;
  if (b.alert_on_degraded !== undefined) out.alert_on_degraded = b.alert_on_degraded;
  if (b.headers !== undefined) out.headers = b.headers === null ? null : JSON.stringify(b.headers);
  if (b.dns_expected !== undefined) out.dns_expected = b.dns_expected === null ? null : JSON.stringify(b.dns_expected);
  if (b.regions !== undefined) out.regions = b.regions === null ? null : JSON.stringify(b.regions);
  return out;
}

function defaultTimeout(intervalSeconds: number) {
  return Math.min(10_000, intervalSeconds * 1000);
}

export async function createMonitor(deps: MonitorDeps, team: TeamContext, body: CreateMonitorBody): Promise<Monitor> {
  assertIntervalAllowed(team.plan, body.interval_seconds);
  const id = await deps.db.transaction().execute(async (trx) => {
    // Counting under a lock on the team row keeps two concurrent creates from both passing the limit.
    await trx.selectFrom('teams').select('id').where('id', '=', team.id).forUpdate().execute();
    const { n } = await trx.selectFrom('monitors').select((eb) => eb.fn.countAll<number>().as('n')).where('team_id', '=', team.id).executeTakeFirstOrThrow();
    assertWithinLimit(team.plan, 'monitors', Number(n));
    const enabled = body.enabled ?? true;
    const res = await trx
      .insertInto('monitors')
      .values({
        ...configColumns(body),
        team_id: team.id,
        name: body.name,
        type: body.type,
        method: body.type === 'http' ? (body.method ?? 'GET') : null,
        expected_status: body.type === 'http' ? (body.expected_status ?? '200-299') : null,
        interval_seconds: body.interval_seconds,
        timeout_ms: body.timeout_ms ?? defaultTimeout(body.interval_seconds),
        heartbeat_token: body.type === 'heartbeat' ? randomBytes(16).toString('hex') : null,
        enabled,
        status: enabled ? 'pending' : 'paused',
      } as never)
      .executeTakeFirstOrThrow();
    const id = Number(res.insertId);
    // No channel_ids: the team's default channels (SPEC 4.4).
    await assertChannels(trx, team.id, id, body.channel_ids);
    if (body.escalation_policy_id != null) await assertPolicy(trx, team.id, id, body.escalation_policy_id);
    return id;
  });
  // After commit: a scheduler upserted inside the transaction could fire before the commit, find
  // no monitor, and remove itself ("monitor gone"), leaving the new monitor unchecked. If Redis
  // fails here, the monitor goes again, so the 503 still means "nothing was changed".
  const enabled = body.enabled ?? true;
  try {
    await viaRedis('scheduling the monitor', () => syncMonitorSchedule(deps.jobs, { id, enabled, interval_seconds: body.interval_seconds, type: body.type }));
  } catch (err) {
    await deps.db.deleteFrom('monitors').where('id', '=', id).where('team_id', '=', team.id).execute();
    throw err;
  }
  // The first check runs now rather than at the monitor's slot in the interval.
  if (enabled && body.type !== 'heartbeat') await viaRedis('first check', () => enqueueCheckNow(deps.jobs, id)).catch(() => undefined);
  return getMonitor(deps, team, id);
}

export async function listMonitors(
  deps: MonitorDeps,
  team: TeamContext,
  q: { limit: number; cursor: number | null; status?: string; type?: string },
): Promise<{ items: Monitor[]; next_cursor: string | null }> {
  let query = deps.db.selectFrom('monitors').selectAll().where('team_id', '=', team.id);
  if (q.cursor !== null) query = query.where('id', '>', q.cursor);
  if (q.status) query = query.where('status', '=', q.status as never);
  if (q.type) query = query.where('type', '=', q.type as never);
  const rows = await query.orderBy('id').limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit);
  return { items: await withChannels(deps.db, team.id, page, deps.apiPublicUrl), next_cursor: rows.length > q.limit ? String(page[page.length - 1]!.id) : null };
}

export async function getMonitor(deps: MonitorDeps, team: TeamContext, id: number): Promise<Monitor> {
  const [monitor] = await withChannels(deps.db, team.id, [await mustFind(deps.db, team.id, id)], deps.apiPublicUrl);
  return monitor!;
}

export async function updateMonitor(deps: MonitorDeps, team: TeamContext, id: number, body: UpdateMonitorBody): Promise<Monitor> {
  await deps.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('monitors').selectAll().where('team_id', '=', team.id).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!current) throw new NotFound('Monitor');
    const patch: UpdateMonitorBody = { ...body };
    if (patch.headers) patch.headers = unmaskHeaders(patch.headers, current.headers);
    const merged = {
      type: current.type,
      url: patch.url !== undefined ? patch.url : current.url,
      host: patch.host !== undefined ? patch.host : current.host,
      port: patch.port !== undefined ? patch.port : current.port,
      dns_record_type: patch.dns_record_type !== undefined ? patch.dns_record_type : current.dns_record_type,
      interval_seconds: patch.interval_seconds ?? current.interval_seconds,
      timeout_ms: patch.timeout_ms ?? current.timeout_ms,
      body: patch.body !== undefined ? patch.body : current.body,
      method: patch.method !== undefined ? patch.method : current.method,
      degraded_threshold_ms: patch.degraded_threshold_ms !== undefined ? patch.degraded_threshold_ms : current.degraded_threshold_ms,
      alert_on_degraded: patch.alert_on_degraded ?? Boolean(current.alert_on_degraded),
    };
    const issues = monitorConfigIssues(merged);
    if (issues.length > 0) {
      throw new BadRequest(`${issues[0]!.path} ${issues[0]!.message}.`, { errors: issues.map((i) => ({ path: i.path, message: i.message })) });
    }
    if (patch.interval_seconds !== undefined) assertIntervalAllowed(team.plan, patch.interval_seconds);
    const enabled = patch.enabled ?? Boolean(current.enabled);
    const set: Record<string, unknown> = { ...configColumns(patch), updated_at: new Date() };
    if (patch.enabled !== undefined && patch.enabled !== Boolean(current.enabled)) {
      set.enabled = enabled;
      set.status = enabled ? 'pending' : 'paused';
    }
    await trx.updateTable('monitors').set(set as never).where('id', '=', id).where('team_id', '=', team.id).execute();
    if (patch.channel_ids !== undefined) await assertChannels(trx, team.id, id, patch.channel_ids);
    if (patch.escalation_policy_id !== undefined) await assertPolicy(trx, team.id, id, patch.escalation_policy_id);
    // Inside the transaction, so a Redis outage rolls the edit back (503). Safe before the commit:
    // a check that fires early reads the existing row (one check with the previous settings), and a
    // monitor not yet enabled answers 'paused' without touching its scheduler.
    await viaRedis('rescheduling the monitor', () => syncMonitorSchedule(deps.jobs, { id, enabled, interval_seconds: merged.interval_seconds, type: current.type }));
  });
  return getMonitor(deps, team, id);
}

/** Deletes the monitor; its open incidents are resolved (history stays), checks go with retention. */
export async function deleteMonitor(deps: MonitorDeps, team: TeamContext, id: number): Promise<void> {
  const eventIds = await deps.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('monitors').select('id').where('team_id', '=', team.id).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!current) throw new NotFound('Monitor');
    const open = await trx.selectFrom('incidents').select('id').where('team_id', '=', team.id).where('monitor_id', '=', id).where('kind', '!=', 'manual').where('status', '!=', 'resolved').execute();
    const events: string[] = [];
    for (const inc of open) events.push(...(await resolveIncident(trx, team.id, inc.id, id, new Date(), 'The monitor was deleted.')));
    await trx.deleteFrom('monitors').where('id', '=', id).where('team_id', '=', team.id).execute();
    // Safe before the commit: until then a firing check still finds the monitor.
    await viaRedis('unscheduling the monitor', () => removeMonitorSchedule(deps.jobs, id));
    return events;
  });
  await deps.publishEvents(eventIds);
}

export async function setPaused(deps: MonitorDeps, team: TeamContext, id: number, paused: boolean): Promise<Monitor> {
  await deps.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('monitors').select(['id', 'interval_seconds', 'enabled', 'type']).where('team_id', '=', team.id).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!current) throw new NotFound('Monitor');
    if (Boolean(current.enabled) === !paused) return;
    await trx
      .updateTable('monitors')
      .set({ enabled: !paused, status: paused ? 'paused' : 'pending', consecutive_failures: 0, consecutive_successes: 0, failing_since: null, consecutive_degraded: 0, consecutive_fast: 0, degraded_since: null, status_changed_at: new Date(), updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    await viaRedis(paused ? 'pausing' : 'resuming', () => syncMonitorSchedule(deps.jobs, { id, enabled: !paused, interval_seconds: current.interval_seconds, type: current.type }));
  });
  if (!paused) await viaRedis('first check', () => enqueueCheckNow(deps.jobs, id)).catch(() => undefined);
  return getMonitor(deps, team, id);
}

export async function checkNow(deps: MonitorDeps, team: TeamContext, id: number): Promise<{ queued: true; job_id: string }> {
  const m = await mustFind(deps.db, team.id, id);
  if (!m.enabled) throw new Conflict('The monitor is paused; resume it first.');
  if (m.type === 'heartbeat') throw new Conflict('Heartbeat monitors are checked by their pings, not on demand.');
  const jobId = await viaRedis('queueing the check', () => enqueueCheckNow(deps.jobs, id));
  return { queued: true, job_id: jobId };
}

/** Cursor of the checks list: `<checked_at ms>_<id>` of the last row (keyset on the (monitor, time) index). */
function parseCheckCursor(cursor: string | undefined): { at: Date; id: string } | null {
  if (cursor === undefined) return null;
  const m = /^(\d{1,15})_(\d{1,20})$/.exec(cursor);
  if (!m) throw new BadRequest('cursor is not a valid cursor for this list.');
  return { at: new Date(Number(m[1])), id: m[2]! };
}

export async function listChecks(
  deps: MonitorDeps,
  team: TeamContext,
  id: number,
  q: { limit: number; cursor?: string; from?: string; to?: string; status?: 'up' | 'down' | 'degraded' },
): Promise<{ items: Check[]; next_cursor: string | null }> {
  await mustFind(deps.db, team.id, id);
  const cursor = parseCheckCursor(q.cursor);
  if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to)) throw new BadRequest('from must not be after to.');
  const conditions = [sql`monitor_id = ${id}`, sql`team_id = ${team.id}`];
  if (q.from) conditions.push(sql`checked_at >= ${new Date(q.from)}`);
  if (q.to) conditions.push(sql`checked_at <= ${new Date(q.to)}`);
  if (q.status) conditions.push(sql`status = ${q.status}`);
  if (cursor) {
    // The plain upper bound keeps this a range scan; the OR only breaks ties inside one millisecond.
    conditions.push(sql`checked_at <= ${cursor.at}`, sql`(checked_at < ${cursor.at} OR id < ${cursor.id})`);
  }
  // FORCE INDEX: with only an upper bound, MariaDB's ORDER BY … LIMIT heuristic picks a `ref` scan
  // on monitor_id alone and walks every newer check (200 ms at 90 days); the range scan is ~2 ms.
  const result = await sql<MonitorCheckRow>`
    SELECT * FROM monitor_checks FORCE INDEX (monitor_checks_monitor_time_idx)
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY checked_at DESC, id DESC
    LIMIT ${q.limit + 1}`.execute(deps.db);
  const rows = result.rows;
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((c) => ({
      id: String(c.id),
      status: c.status,
      status_code: c.status_code,
      response_time_ms: c.response_time_ms,
      timings: { dns: c.dns_ms, connect: c.connect_ms, tls: c.tls_ms, ttfb: c.ttfb_ms },
      error: c.error,
      cert_expires_at: iso(c.cert_expires_at),
      checked_at: c.checked_at.toISOString(),
    })),
    next_cursor: rows.length > q.limit && last ? `${last.checked_at.getTime()}_${last.id}` : null,
  };
}

const RANGES = { '1h': { span: 3_600_000, bucket: 60_000 }, '24h': { span: 86_400_000, bucket: 3_600_000 }, '7d': { span: 7 * 86_400_000, bucket: 6 * 3_600_000 } };

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))]!;
}

export async function monitorStats(deps: MonitorDeps, team: TeamContext, id: number, range: keyof typeof RANGES, now = Date.now()): Promise<MonitorStats> {
  const m = await mustFind(deps.db, team.id, id);
  const to = new Date(now);
  // One read of outages and maintenance over 90 days serves every window (ADR 0012).
  const from90 = new Date(now - UPTIME_WINDOWS['90d']);
  const [outages, maintenance] = await Promise.all([outagesByMonitor(deps.db, [m.id], from90, to), maintenanceByMonitor(deps.db, [m.id], from90, to)]);
  const uptimeOver = (start: number) =>
    uptimeFigures({ window: { start, end: now }, monitoredFrom: m.created_at.getTime(), outages: outages.get(m.id) ?? [], maintenance: maintenance.get(m.id) ?? [] }).uptime;
  const uptimeEntries = (Object.keys(UPTIME_WINDOWS) as Array<keyof typeof UPTIME_WINDOWS>).map((w) => [w, uptimeOver(now - UPTIME_WINDOWS[w])] as const);
  const dates = lastUtcDates(now, 90);
  const dailyRows = await deps.db
    .selectFrom('monitor_daily')
    .selectAll()
    .where('monitor_id', '=', id)
    .where('team_id', '=', team.id)
    .where('date', '>=', dates[0]!)
    .execute();
  const byDate = new Map(dailyRows.map((d) => [typeof d.date === 'string' ? d.date : new Date(d.date).toISOString().slice(0, 10), d]));
  // Today's uptime is computed live (the rollup refreshes it every 10 minutes).
  const todayStart = Date.parse(`${dates[dates.length - 1]}T00:00:00Z`);
  const today = uptimeOver(todayStart);
  const days = dates
    .filter((d) => Date.parse(`${d}T23:59:59.999Z`) >= m.created_at.getTime())
    .map((date) => {
      const d = byDate.get(date);
      const isToday = date === dates[dates.length - 1];
      return {
        date,
        uptime: isToday ? today : d?.uptime !== undefined && d?.uptime !== null ? Number(d.uptime) : null,
        checks: d?.checks ?? 0,
        downtime_seconds: d?.downtime_seconds ?? 0,
        avg_response_time_ms: d?.avg_response_time_ms ?? null,
        p95_response_time_ms: d?.p95_response_time_ms ?? null,
      };
    });

  const { span, bucket } = RANGES[range];
  const from = Math.floor((now - span) / bucket) * bucket;
  const rows = await deps.db
    .selectFrom('monitor_checks')
    .select(['checked_at', 'response_time_ms'])
    .where('monitor_id', '=', id)
    .where('checked_at', '>=', new Date(from))
    .where('status', '!=', 'down')
    .execute();
  const buckets = new Map<number, number[]>();
  for (const r of rows) {
    if (r.response_time_ms === null) continue;
    const b = Math.floor(r.checked_at.getTime() / bucket) * bucket;
    const list = buckets.get(b) ?? [];
    list.push(r.response_time_ms);
    buckets.set(b, list);
  }
  const response_times = [];
  for (let b = from; b <= now; b += bucket) {
    const list = (buckets.get(b) ?? []).sort((x, y) => x - y);
    response_times.push({
      bucket_start: new Date(b).toISOString(),
      checks: list.length,
      avg: list.length ? Math.round(list.reduce((s, x) => s + x, 0) / list.length) : null,
      p50: percentile(list, 0.5),
      p95: percentile(list, 0.95),
    });
  }
  return { uptime: Object.fromEntries(uptimeEntries) as MonitorStats['uptime'], days, response_times };
}

/** Heartbeat ping: records it; a monitor not currently up is re-evaluated at once (fast recovery). */
export async function recordHeartbeat(deps: MonitorDeps, token: string): Promise<number> {
  if (!/^[0-9a-f]{32}$/.test(token)) throw new NotFound('Heartbeat');
  const m = await deps.db.selectFrom('monitors').select(['id', 'status', 'enabled']).where('heartbeat_token', '=', token).where('type', '=', 'heartbeat').executeTakeFirst();
  if (!m) throw new NotFound('Heartbeat');
  await deps.db.updateTable('monitors').set({ last_heartbeat_at: sql<Date>`CURRENT_TIMESTAMP(3)` }).where('id', '=', m.id).execute();
  // Best effort: the ping is recorded either way and the next scheduled tick sees it.
  if (m.enabled && m.status !== 'up') await viaRedis('queueing the heartbeat check', () => enqueueCheckNow(deps.jobs, m.id)).catch(() => undefined);
  return m.id;
}
