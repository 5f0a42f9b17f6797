import { sql, type Kysely, type Transaction } from 'kysely';
import {
  applyCheck,
  certificateAction,
  formatResponseTime,
  incidentSeverity,
  moreSevere,
  outageIncidentTitle,
  slowIncidentTitle,
  type EngineAction,
  type IncidentCause,
  type RuntimeState,
} from '@sentrypulse/shared';
import type { CheckStatus, Database, IncidentEventType } from '../schema';
import { monitorsInMaintenance } from './monitoring';

/**
 * Applies a batch of check results in one transaction (ADR 0011): inserts the checks, moves each
 * monitor's state through the pure state machine, opens/resolves incidents and outages, counts the
 * day's rollup, and writes incident events (the outbox the alert dispatcher reads). Monitor rows are
 * locked in id order, so concurrent batches from several workers serialise per monitor without
 * deadlocking, and a result older than the last applied one (a replayed job) is ignored.
 */
export interface CheckOutcomeInput {
  monitor_id: number;
  /** When the check was due (the scheduler's slot); idempotency and ordering key. */
  scheduled_at: Date;
  checked_at: Date;
  status: CheckStatus;
  status_code: number | null;
  response_time_ms: number | null;
  timings: { dns: number | null; connect: number | null; tls: number | null; ttfb: number | null };
  error: string | null;
  cert_expires_at: Date | null;
  cert_days_left: number | null;
}

export interface ApplyResult {
  applied: number;
  skipped: number;
  eventIds: string[];
  /** Teams whose monitors changed status or incidents: their status-page caches are stale. */
  changedTeamIds: number[];
}

const ms = (n: number | null | undefined) => (n === null || n === undefined || !Number.isFinite(n) ? null : Math.max(0, Math.round(n)));
const text = (s: string | null, max = 500) => (s === null ? null : s.length > max ? `${s.slice(0, max - 1)}…` : s);

export async function applyCheckResults(db: Kysely<Database>, results: CheckOutcomeInput[]): Promise<ApplyResult> {
  if (results.length === 0) return { applied: 0, skipped: 0, eventIds: [], changedTeamIds: [] };
  return db.transaction().execute((trx) => applyInTransaction(trx, results));
}

async function applyInTransaction(trx: Transaction<Database>, results: CheckOutcomeInput[]): Promise<ApplyResult> {
  const ids = [...new Set(results.map((r) => r.monitor_id))].sort((a, b) => a - b);
  const monitors = await trx
    .selectFrom('monitors')
    .select([
      'id',
      'team_id',
      'name',
      'enabled',
      'status',
      'consecutive_failures',
      'consecutive_successes',
      'failing_since',
      'consecutive_degraded',
      'consecutive_fast',
      'degraded_since',
      'last_scheduled_at',
      'confirmations',
      'recovery_confirmations',
      'severity',
      'ssl_expiry_days',
      'degraded_threshold_ms',
      'alert_on_degraded',
    ])
    .where('id', 'in', ids)
    .orderBy('id')
    .forUpdate()
    .execute();
  const byId = new Map(monitors.map((m) => [m.id, m]));

  // Incident and maintenance lookups only for monitors where something can change: a failure, a
  // monitor not plainly up, a slow check that may open a performance incident (or a degraded
  // monitor, which may have one open), or certificate data to judge. The all-up steady state
  // costs nothing.
  const interesting = new Set<number>();
  for (const r of results) {
    const m = byId.get(r.monitor_id);
    if (!m) continue;
    // 'pending' too: a resumed monitor restarts as pending while an incident may still be open.
    // 'degraded' too: a performance incident may be open (and must resolve even if the option was turned off).
    const plainlyUp = m.status === 'up';
    const mayBeSlowIncident = Boolean(m.alert_on_degraded) && r.status === 'degraded';
    if (r.status === 'down' || !plainlyUp || mayBeSlowIncident || m.consecutive_failures > 0 || (m.ssl_expiry_days !== null && r.cert_days_left !== null)) {
      interesting.add(m.id);
    }
  }
  const openIncidents = new Map<string, number>();
  /** What each monitor's open automatic incident is about. */
  const openCauses = new Map<number, IncidentCause>();
  const openOutages = new Map<number, string>();
  let inMaintenance = new Set<number>();
  if (interesting.size > 0) {
    const list = [...interesting];
    const keys = list.flatMap((id) => [`${id}:auto`, `${id}:certificate`]);
    const [incRows, outageRows, maint] = await Promise.all([
      trx.selectFrom('incidents').select(['id', 'open_monitor_key', 'monitor_id', 'kind', 'cause']).where('open_monitor_key', 'in', keys).execute(),
      trx.selectFrom('monitor_outages').select(['id', 'monitor_id']).where('monitor_id', 'in', list).where('ended_at', 'is', null).execute(),
      monitorsInMaintenance(trx, list, new Date()),
    ]);
    for (const r of incRows) {
      if (r.open_monitor_key) openIncidents.set(r.open_monitor_key, r.id);
      if (r.kind === 'auto' && r.monitor_id !== null) openCauses.set(r.monitor_id, r.cause ?? 'down');
    }
    for (const r of outageRows) openOutages.set(r.monitor_id, r.id);
    inMaintenance = maint;
  }

  const state = new Map<number, RuntimeState>();
  for (const m of monitors) {
    state.set(m.id, {
      status: m.status,
      consecutiveFailures: m.consecutive_failures,
      consecutiveSuccesses: m.consecutive_successes,
      failingSince: m.failing_since ? m.failing_since.getTime() : null,
      incidentOpen: openIncidents.has(`${m.id}:auto`),
      incidentCause: openIncidents.has(`${m.id}:auto`) ? (openCauses.get(m.id) ?? 'down') : null,
      outageOpen: openOutages.has(m.id),
      consecutiveDegraded: m.consecutive_degraded,
      consecutiveFast: m.consecutive_fast,
      degradedSince: m.degraded_since ? m.degraded_since.getTime() : null,
    });
  }

  const lastApplied = new Map(monitors.map((m) => [m.id, m.last_scheduled_at?.getTime() ?? -1]));
  const accepted: CheckOutcomeInput[] = [];
  let skipped = 0;
  const eventIds: string[] = [];
  const latest = new Map<number, CheckOutcomeInput>();

  const sorted = [...results].sort((a, b) => a.scheduled_at.getTime() - b.scheduled_at.getTime());
  for (const r of sorted) {
    const m = byId.get(r.monitor_id);
    // Deleted or paused since the job was queued: the check is dropped, the pause wins.
    if (!m || !m.enabled || r.scheduled_at.getTime() <= lastApplied.get(m.id)!) {
      skipped += 1;
      continue;
    }
    lastApplied.set(m.id, r.scheduled_at.getTime());
    accepted.push(r);
    latest.set(m.id, r);
    const maint = inMaintenance.has(m.id);
    const before = state.get(m.id)!;
    const rules = { confirmations: m.confirmations, recoveryConfirmations: m.recovery_confirmations, alertOnDegraded: Boolean(m.alert_on_degraded) };
    const t = applyCheck(before, r.status, r.checked_at.getTime(), rules, maint);
    state.set(m.id, t.state);
    for (const action of t.actions) {
      const ids = await applyAction(trx, m, action, r, before, openIncidents, openOutages);
      eventIds.push(...ids);
    }
    const certKey = `${m.id}:certificate`;
    const cert = certificateAction(r.cert_days_left, m.ssl_expiry_days, openIncidents.has(certKey), maint);
    if (cert === 'open') {
      const days = r.cert_days_left!;
      const incidentId = await openIncident(trx, m, 'certificate', `Certificate for ${m.name} expires in ${days} day${days === 1 ? '' : 's'}`, r.checked_at, `The TLS certificate expires ${r.cert_expires_at?.toISOString() ?? 'soon'} (${days} days left).`);
      openIncidents.set(certKey, incidentId);
      eventIds.push(await insertEvent(trx, m.team_id, incidentId, m.id, null, 'certificate.expiring'));
    } else if (cert === 'resolve') {
      const incidentId = openIncidents.get(certKey)!;
      eventIds.push(...(await resolveIncident(trx, m.team_id, incidentId, m.id, r.checked_at, 'A renewed certificate was found.')));
      openIncidents.delete(certKey);
    }
  }

  if (accepted.length > 0) {
    await trx
      .insertInto('monitor_checks')
      .values(
        accepted.map((r) => ({
          monitor_id: r.monitor_id,
          team_id: byId.get(r.monitor_id)!.team_id,
          status: r.status,
          status_code: r.status_code,
          response_time_ms: ms(r.response_time_ms),
          dns_ms: ms(r.timings.dns),
          connect_ms: ms(r.timings.connect),
          tls_ms: ms(r.timings.tls),
          ttfb_ms: ms(r.timings.ttfb),
          error: text(r.error),
          cert_expires_at: r.cert_expires_at,
          scheduled_at: r.scheduled_at,
          checked_at: r.checked_at,
        })),
      )
      .execute();
    await updateMonitorState(trx, [...latest.values()], state, byId);
    await countDaily(trx, accepted, byId);
  }
  const changedTeamIds = new Set<number>();
  for (const m of monitors) {
    if (state.get(m.id)!.status !== m.status) changedTeamIds.add(m.team_id);
  }
  if (eventIds.length > 0) for (const r of accepted) changedTeamIds.add(byId.get(r.monitor_id)!.team_id);
  return { applied: accepted.length, skipped, eventIds, changedTeamIds: [...changedTeamIds] };
}

type LockedMonitor = {
  id: number;
  team_id: number;
  name: string;
  severity: 'critical' | 'major' | 'minor';
  status: string;
  confirmations: number;
  recovery_confirmations: number;
  degraded_threshold_ms: number | null;
};

const over = (m: LockedMonitor, r: CheckOutcomeInput) =>
  `${r.response_time_ms !== null ? formatResponseTime(r.response_time_ms) : 'slow'}${m.degraded_threshold_ms !== null ? ` (threshold ${formatResponseTime(m.degraded_threshold_ms)})` : ''}`;

async function applyAction(
  trx: Transaction<Database>,
  m: LockedMonitor,
  action: EngineAction,
  r: CheckOutcomeInput,
  before: RuntimeState,
  openIncidents: Map<string, number>,
  openOutages: Map<number, string>,
): Promise<string[]> {
  const key = `${m.id}:auto`;
  switch (action.type) {
    case 'open_incident': {
      const id =
        action.cause === 'degraded'
          ? await openIncident(
              trx,
              m,
              'auto',
              slowIncidentTitle(m.name, r.response_time_ms, m.degraded_threshold_ms),
              new Date(action.startedAt),
              `Slow for ${m.confirmations} check${m.confirmations === 1 ? '' : 's'} in a row: ${over(m, r)}. The target answers; this is not counted as downtime.`,
              'degraded',
            )
          : await openIncident(trx, m, 'auto', outageIncidentTitle(m.name), new Date(action.startedAt), r.error ?? 'The monitor is failing.', 'down');
      openIncidents.set(key, id);
      return [await insertEvent(trx, m.team_id, id, m.id, null, 'incident.opened')];
    }
    case 'escalate_incident': {
      const id = openIncidents.get(key);
      if (!id) return [];
      const since = before.failingSince ?? action.at;
      return changeCause(trx, m, id, 'down', outageIncidentTitle(m.name), new Date(action.at), `Escalated to an outage: ${r.error ?? 'the monitor is failing'}. Downtime is counted from ${new Date(since).toISOString()}, the first failing check.`);
    }
    case 'deescalate_incident': {
      const id = openIncidents.get(key);
      if (!id) return [];
      return changeCause(
        trx,
        m,
        id,
        'degraded',
        slowIncidentTitle(m.name, r.response_time_ms, m.degraded_threshold_ms),
        new Date(action.at),
        `Answering again, but slowly: ${over(m, r)}. The outage has ended; the incident stays open until ${m.recovery_confirmations} fast check${m.recovery_confirmations === 1 ? '' : 's'} in a row.`,
      );
    }
    case 'start_outage': {
      const res = await trx
        .insertInto('monitor_outages')
        .values({ monitor_id: m.id, team_id: m.team_id, incident_id: openIncidents.get(key) ?? null, started_at: new Date(action.at) })
        .executeTakeFirstOrThrow();
      openOutages.set(m.id, String(res.insertId));
      return [];
    }
    case 'end_outage': {
      const id = openOutages.get(m.id);
      if (id) await trx.updateTable('monitor_outages').set({ ended_at: new Date(action.at) }).where('id', '=', id).execute();
      openOutages.delete(m.id);
      return [];
    }
    case 'resolve_incident': {
      const id = openIncidents.get(key);
      openIncidents.delete(key);
      if (!id) return [];
      const message =
        before.incidentCause === 'degraded'
          ? `Fast again: the check answered${r.response_time_ms !== null ? ` in ${formatResponseTime(r.response_time_ms)}` : ''}${m.degraded_threshold_ms !== null ? `, under the ${formatResponseTime(m.degraded_threshold_ms)} threshold` : ''}.`
          : `Recovered: the check succeeded${r.response_time_ms !== null ? ` in ${Math.round(r.response_time_ms)} ms` : ''}.`;
      return resolveIncident(trx, m.team_id, id, m.id, new Date(action.at), message);
    }
  }
}

/**
 * Escalation (slow → down) or de-escalation (down → slow) of the one open automatic incident: its
 * cause, title and severity change, a timeline entry says why, and an incident.updated event goes
 * to the channels. Escalating never lowers a severity a person raised; de-escalating sets the
 * performance severity (minor). Escalating reopens the investigation.
 */
async function changeCause(trx: Transaction<Database>, m: LockedMonitor, incidentId: number, cause: IncidentCause, title: string, at: Date, message: string): Promise<string[]> {
  const current = await trx.selectFrom('incidents').select(['status', 'severity']).where('id', '=', incidentId).executeTakeFirstOrThrow();
  const severity = cause === 'down' ? moreSevere(current.severity, incidentSeverity('auto', m.severity, 'down')) : incidentSeverity('auto', m.severity, 'degraded');
  const status = cause === 'down' ? 'investigating' : current.status;
  await trx.updateTable('incidents').set({ cause, title: title.slice(0, 200), severity, status, updated_at: at }).where('id', '=', incidentId).execute();
  const upd = await trx.insertInto('incident_updates').values({ incident_id: incidentId, team_id: m.team_id, status, message: message.slice(0, 10_000), created_by: null }).executeTakeFirstOrThrow();
  return [await insertEvent(trx, m.team_id, incidentId, m.id, Number(upd.insertId), 'incident.updated')];
}

async function openIncident(
  trx: Transaction<Database>,
  m: LockedMonitor,
  kind: 'auto' | 'certificate',
  title: string,
  startedAt: Date,
  message: string,
  cause: IncidentCause | null = null,
): Promise<number> {
  const res = await trx
    .insertInto('incidents')
    .values({
      team_id: m.team_id,
      monitor_id: m.id,
      kind,
      cause,
      title: title.slice(0, 200),
      status: 'investigating',
      severity: incidentSeverity(kind, m.severity, cause ?? 'down'),
      started_at: startedAt,
    })
    .executeTakeFirstOrThrow();
  const id = Number(res.insertId);
  await trx.insertInto('incident_monitors').values({ incident_id: id, monitor_id: m.id, team_id: m.team_id }).execute();
  await trx.insertInto('incident_updates').values({ incident_id: id, team_id: m.team_id, status: 'investigating', message: message.slice(0, 10_000), created_by: null }).execute();
  return id;
}

export async function resolveIncident(
  trx: Transaction<Database>,
  teamId: number,
  incidentId: number,
  monitorId: number | null,
  at: Date,
  message: string,
  userId: number | null = null,
): Promise<string[]> {
  await trx.updateTable('incidents').set({ status: 'resolved', resolved_at: at, updated_at: new Date() }).where('id', '=', incidentId).where('team_id', '=', teamId).execute();
  const upd = await trx.insertInto('incident_updates').values({ incident_id: incidentId, team_id: teamId, status: 'resolved', message, created_by: userId }).executeTakeFirstOrThrow();
  return [await insertEvent(trx, teamId, incidentId, monitorId, Number(upd.insertId), 'incident.resolved')];
}

export async function insertEvent(
  trx: Kysely<Database> | Transaction<Database>,
  teamId: number,
  incidentId: number,
  monitorId: number | null,
  updateId: number | null,
  type: IncidentEventType,
): Promise<string> {
  const res = await trx.insertInto('incident_events').values({ team_id: teamId, incident_id: incidentId, monitor_id: monitorId, update_id: updateId, type }).executeTakeFirstOrThrow();
  return String(res.insertId);
}

async function updateMonitorState(
  trx: Transaction<Database>,
  latest: CheckOutcomeInput[],
  state: Map<number, RuntimeState>,
  byId: Map<number, { status: string }>,
): Promise<void> {
  const ids = latest.map((r) => r.monitor_id);
  const col = (f: (r: CheckOutcomeInput, s: RuntimeState) => unknown) =>
    sql.join(latest.map((r) => sql`WHEN ${r.monitor_id} THEN ${f(r, state.get(r.monitor_id)!)}`), sql` `);
  const now = new Date();
  const changedAt = sql.join(
    latest.map((r) =>
      state.get(r.monitor_id)!.status !== byId.get(r.monitor_id)!.status
        ? sql`WHEN ${r.monitor_id} THEN ${now}`
        : sql`WHEN ${r.monitor_id} THEN status_changed_at`,
    ),
    sql` `,
  );
  // One statement for the whole batch (CASE per column), instead of one UPDATE per check.
  await sql`
    UPDATE monitors SET
      status_changed_at = CASE id ${changedAt} END,
      status = CASE id ${col((_r, s) => s.status)} END,
      consecutive_failures = CASE id ${col((_r, s) => s.consecutiveFailures)} END,
      consecutive_successes = CASE id ${col((_r, s) => s.consecutiveSuccesses)} END,
      failing_since = CASE id ${col((_r, s) => (s.failingSince === null ? null : new Date(s.failingSince)))} END,
      consecutive_degraded = CASE id ${col((_r, s) => s.consecutiveDegraded)} END,
      consecutive_fast = CASE id ${col((_r, s) => s.consecutiveFast)} END,
      degraded_since = CASE id ${col((_r, s) => (s.degradedSince === null ? null : new Date(s.degradedSince)))} END,
      last_scheduled_at = CASE id ${col((r) => r.scheduled_at)} END,
      last_checked_at = CASE id ${col((r) => r.checked_at)} END,
      last_response_time_ms = CASE id ${col((r) => ms(r.response_time_ms))} END,
      last_error = CASE id ${col((r) => text(r.error))} END,
      cert_expires_at = COALESCE(CASE id ${col((r) => r.cert_expires_at)} END, cert_expires_at)
    WHERE id IN (${sql.join(ids)})
  `.execute(trx);
}

async function countDaily(trx: Transaction<Database>, accepted: CheckOutcomeInput[], byId: Map<number, { team_id: number }>): Promise<void> {
  type Agg = { monitor_id: number; team_id: number; date: string; checks: number; up: number; degraded: number; down: number; rtSum: number; rtN: number };
  const agg = new Map<string, Agg>();
  for (const r of accepted) {
    const date = r.checked_at.toISOString().slice(0, 10);
    const key = `${r.monitor_id}|${date}`;
    const a = agg.get(key) ?? { monitor_id: r.monitor_id, team_id: byId.get(r.monitor_id)!.team_id, date, checks: 0, up: 0, degraded: 0, down: 0, rtSum: 0, rtN: 0 };
    a.checks += 1;
    if (r.status === 'up') a.up += 1;
    else if (r.status === 'degraded') a.degraded += 1;
    else a.down += 1;
    if (r.response_time_ms !== null && r.status !== 'down') {
      a.rtSum += r.response_time_ms;
      a.rtN += 1;
    }
    agg.set(key, a);
  }
  const rows = [...agg.values()];
  // Running counters for the day in one statement. The average is weighted by the successful
  // checks and folded in before the counters change (MySQL applies ON DUPLICATE KEY assignments
  // left to right). The nightly rollup recomputes exact figures (and p95) from the raw checks.
  const values = sql.join(
    rows.map(
      (a) => sql`(${a.monitor_id}, ${a.team_id}, ${a.date}, ${a.checks}, ${a.up}, ${a.degraded}, ${a.down}, 0, 0, 0, ${a.rtN ? Math.round(a.rtSum / a.rtN) : null})`,
    ),
  );
  await sql`
    INSERT INTO monitor_daily (monitor_id, team_id, date, checks, up_checks, degraded_checks, down_checks,
      monitored_seconds, downtime_seconds, maintenance_seconds, avg_response_time_ms)
    VALUES ${values}
    ON DUPLICATE KEY UPDATE
      avg_response_time_ms = CASE
        WHEN VALUES(avg_response_time_ms) IS NULL THEN avg_response_time_ms
        WHEN avg_response_time_ms IS NULL OR up_checks + degraded_checks = 0 THEN VALUES(avg_response_time_ms)
        ELSE ROUND((avg_response_time_ms * (up_checks + degraded_checks)
          + VALUES(avg_response_time_ms) * (VALUES(up_checks) + VALUES(degraded_checks)))
          / (up_checks + degraded_checks + VALUES(up_checks) + VALUES(degraded_checks)))
      END,
      checks = checks + VALUES(checks),
      up_checks = up_checks + VALUES(up_checks),
      degraded_checks = degraded_checks + VALUES(degraded_checks),
      down_checks = down_checks + VALUES(down_checks)
  `.execute(trx);
}
