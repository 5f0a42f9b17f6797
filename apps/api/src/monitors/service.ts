import {
  assignMonitorEscalationPolicy,
  assignMonitorChannels,
  channelIdsByMonitor,
  findMonitor,
  resolveIncident,
  maintenanceByMonitor,
  outagesByMonitor,
  type Db,
  type MonitorRow, transactionWithRetry } from '@sentrypulse/db';
import {
  lastUtcDates,
  monitorConfigIssues,
  UPTIME_WINDOWS,
  uptimeFigures,
  SPARKLINE_CHECKS,
  type Check,
  type CreateMonitorBody,
  type Monitor,
  type MonitorStats,
  type Sparklines,
  type UpdateMonitorBody,
} from '@sentrypulse/shared';
import { randomBytes } from 'node:crypto';
import { enqueueCheckNow, removeMonitorSchedule, syncMonitorSchedule } from '@sentrypulse/jobs';
import { teamScope, type ServiceContext } from '../context';
import { BadRequest, Conflict, NotFound } from '../errors';
import { publishEvents } from '../incidents/service';
import { viaRedis } from '../jobs';
import { assertIntervalAllowed, assertWithinLimit } from '../teams/limits';
import * as q from './queries';

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

export async function createMonitor(ctx: ServiceContext, body: CreateMonitorBody): Promise<Monitor> {
  const team = teamScope(ctx);
  assertIntervalAllowed(team.plan, body.interval_seconds);
  const id = await transactionWithRetry(ctx.db, async (trx) => {
    // Counting under a lock on the team row keeps two concurrent creates from both passing the limit.
    await q.lockTeam(trx, team.id);
    assertWithinLimit(team.plan, 'monitors', await q.countMonitors(trx, team.id));
    const enabled = body.enabled ?? true;
    const id = await q.insertMonitor(trx, team.id, {
      ...configColumns(body),
      name: body.name,
      type: body.type,
      method: body.type === 'http' ? (body.method ?? 'GET') : null,
      expected_status: body.type === 'http' ? (body.expected_status ?? '200-299') : null,
      interval_seconds: body.interval_seconds,
      timeout_ms: body.timeout_ms ?? defaultTimeout(body.interval_seconds),
      heartbeat_token: body.type === 'heartbeat' ? randomBytes(16).toString('hex') : null,
      enabled,
      status: enabled ? 'pending' : 'paused',
    });
    // No channel_ids: the team's default channels (SPEC 4.4).
    await assertChannels(trx, team.id, id, body.channel_ids);
    if (body.escalation_policy_id != null) await assertPolicy(trx, team.id, id, body.escalation_policy_id);
    return id;
  }, { label: 'createMonitor' });
  // After commit: a scheduler upserted inside the transaction could fire before the commit, find
  // no monitor, and remove itself ("monitor gone"), leaving the new monitor unchecked. If Redis
  // fails here, the monitor goes again, so the 503 still means "nothing was changed".
  const enabled = body.enabled ?? true;
  try {
    await viaRedis('scheduling the monitor', () => syncMonitorSchedule(ctx.jobs, { id, enabled, interval_seconds: body.interval_seconds, type: body.type }));
  } catch (err) {
    await q.deleteMonitorRow(ctx.db, team.id, id);
    throw err;
  }
  // The first check runs now rather than at the monitor's slot in the interval.
  if (enabled && body.type !== 'heartbeat') await viaRedis('first check', () => enqueueCheckNow(ctx.jobs, id)).catch(() => undefined);
  return getMonitor(ctx, id);
}

export async function listMonitors(
  ctx: ServiceContext,
  query: { limit: number; cursor: number | null; status?: string; type?: string },
): Promise<{ items: Monitor[]; next_cursor: string | null }> {
  const team = teamScope(ctx);
  const rows = await q.listMonitorRows(ctx.db, team.id, { afterId: query.cursor, status: query.status, type: query.type }, query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    items: await withChannels(ctx.db, team.id, page, ctx.config.apiPublicUrl),
    next_cursor: rows.length > query.limit ? String(page[page.length - 1]!.id) : null,
  };
}

export async function getMonitor(ctx: ServiceContext, id: number): Promise<Monitor> {
  const team = teamScope(ctx);
  const [monitor] = await withChannels(ctx.db, team.id, [await mustFind(ctx.db, team.id, id)], ctx.config.apiPublicUrl);
  return monitor!;
}

export async function updateMonitor(ctx: ServiceContext, id: number, body: UpdateMonitorBody): Promise<Monitor> {
  const team = teamScope(ctx);
  await transactionWithRetry(ctx.db, async (trx) => {
    const current = await q.lockMonitor(trx, team.id, id);
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
    await q.updateMonitorRow(trx, team.id, id, set);
    if (patch.channel_ids !== undefined) await assertChannels(trx, team.id, id, patch.channel_ids);
    if (patch.escalation_policy_id !== undefined) await assertPolicy(trx, team.id, id, patch.escalation_policy_id);
    // Inside the transaction, so a Redis outage rolls the edit back (503). Safe before the commit:
    // a check that fires early reads the existing row (one check with the previous settings), and a
    // monitor not yet enabled answers 'paused' without touching its scheduler.
    await viaRedis('rescheduling the monitor', () => syncMonitorSchedule(ctx.jobs, { id, enabled, interval_seconds: merged.interval_seconds, type: current.type }));
  }, { label: 'updateMonitor' });
  return getMonitor(ctx, id);
}

/** Deletes the monitor; its open incidents are resolved (history stays), checks go with retention. */
export async function deleteMonitor(ctx: ServiceContext, id: number): Promise<void> {
  const team = teamScope(ctx);
  const eventIds = await transactionWithRetry(ctx.db, async (trx) => {
    const current = await q.lockMonitor(trx, team.id, id);
    if (!current) throw new NotFound('Monitor');
    const events: string[] = [];
    for (const incidentId of await q.openMonitorIncidentIds(trx, team.id, id)) {
      events.push(...(await resolveIncident(trx, team.id, incidentId, id, new Date(), 'The monitor was deleted.')));
    }
    await q.deleteMonitorRow(trx, team.id, id);
    // Safe before the commit: until then a firing check still finds the monitor.
    await viaRedis('unscheduling the monitor', () => removeMonitorSchedule(ctx.jobs, id));
    return events;
  }, { label: 'deleteMonitor' });
  await publishEvents(ctx, eventIds);
}

export async function setPaused(ctx: ServiceContext, id: number, paused: boolean): Promise<Monitor> {
  const team = teamScope(ctx);
  await transactionWithRetry(ctx.db, async (trx) => {
    const current = await q.lockMonitor(trx, team.id, id);
    if (!current) throw new NotFound('Monitor');
    if (Boolean(current.enabled) === !paused) return;
    await q.setMonitorEnabled(trx, team.id, id, !paused, new Date());
    await viaRedis(paused ? 'pausing' : 'resuming', () => syncMonitorSchedule(ctx.jobs, { id, enabled: !paused, interval_seconds: current.interval_seconds, type: current.type }));
  }, { label: 'setPaused' });
  if (!paused) await viaRedis('first check', () => enqueueCheckNow(ctx.jobs, id)).catch(() => undefined);
  return getMonitor(ctx, id);
}

export async function checkNow(ctx: ServiceContext, id: number): Promise<{ queued: true; job_id: string }> {
  const team = teamScope(ctx);
  const m = await mustFind(ctx.db, team.id, id);
  if (!m.enabled) throw new Conflict('The monitor is paused; resume it first.');
  if (m.type === 'heartbeat') throw new Conflict('Heartbeat monitors are checked by their pings, not on demand.');
  const jobId = await viaRedis('queueing the check', () => enqueueCheckNow(ctx.jobs, id));
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
  ctx: ServiceContext,
  id: number,
  query: { limit: number; cursor?: string; from?: string; to?: string; status?: 'up' | 'down' | 'degraded' },
): Promise<{ items: Check[]; next_cursor: string | null }> {
  const team = teamScope(ctx);
  await mustFind(ctx.db, team.id, id);
  const cursor = parseCheckCursor(query.cursor);
  if (query.from && query.to && Date.parse(query.from) > Date.parse(query.to)) throw new BadRequest('from must not be after to.');
  const rows = await q.listCheckRows(
    ctx.db,
    team.id,
    id,
    { from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined, status: query.status, before: cursor },
    query.limit + 1,
  );
  const page = rows.slice(0, query.limit);
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
    next_cursor: rows.length > query.limit && last ? `${last.checked_at.getTime()}_${last.id}` : null,
  };
}

const RANGES = { '1h': { span: 3_600_000, bucket: 60_000 }, '24h': { span: 86_400_000, bucket: 3_600_000 }, '7d': { span: 7 * 86_400_000, bucket: 6 * 3_600_000 } };

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))]!;
}

export async function monitorStats(ctx: ServiceContext, id: number, range: keyof typeof RANGES, now = Date.now()): Promise<MonitorStats> {
  const team = teamScope(ctx);
  const m = await mustFind(ctx.db, team.id, id);
  const to = new Date(now);
  // One read of outages and maintenance over 90 days serves every window (ADR 0012).
  const from90 = new Date(now - UPTIME_WINDOWS['90d']);
  const [outages, maintenance] = await Promise.all([outagesByMonitor(ctx.db, [m.id], from90, to), maintenanceByMonitor(ctx.db, [m.id], from90, to)]);
  const uptimeOver = (start: number) =>
    uptimeFigures({ window: { start, end: now }, monitoredFrom: m.created_at.getTime(), outages: outages.get(m.id) ?? [], maintenance: maintenance.get(m.id) ?? [] }).uptime;
  const uptimeEntries = (Object.keys(UPTIME_WINDOWS) as Array<keyof typeof UPTIME_WINDOWS>).map((w) => [w, uptimeOver(now - UPTIME_WINDOWS[w])] as const);
  const dates = lastUtcDates(now, 90);
  const dailyRows = await q.dailyRowsSince(ctx.db, team.id, id, dates[0]!);
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
  const rows = await q.responseTimesSince(ctx.db, team.id, id, new Date(from));
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
export async function recordHeartbeat(ctx: ServiceContext, token: string): Promise<number> {
  if (!/^[0-9a-f]{32}$/.test(token)) throw new NotFound('Heartbeat');
  const m = await q.findHeartbeatMonitor(ctx.db, token);
  if (!m) throw new NotFound('Heartbeat');
  await q.touchHeartbeat(ctx.db, m.id);
  // Best effort: the ping is recorded either way and the next scheduled tick sees it.
  if (m.enabled && m.status !== 'up') await viaRedis('queueing the heartbeat check', () => enqueueCheckNow(ctx.jobs, m.id)).catch(() => undefined);
  return m.id;
}

/**
 * The last 30 checks of up to 100 monitors of the team, for the monitors list's sparklines: one
 * request per batch of visible rows instead of one per row (ADR 0084). The ids are first narrowed
 * to the team's monitors (primary key lookups), so ids of other teams or of deleted monitors (whose
 * checks outlive them until retention, ADR 0013) are absent from the answer and cost nothing.
 */
export async function sparklines(ctx: ServiceContext, ids: number[]): Promise<Sparklines> {
  const team = teamScope(ctx);
  if (ids.length === 0) return { items: [] };
  const owned = await q.ownedMonitorIds(ctx.db, team.id, ids);
  if (owned.length === 0) return { items: [] };
  const rows = await q.latestChecksOf(ctx.db, team.id, owned, SPARKLINE_CHECKS);
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
