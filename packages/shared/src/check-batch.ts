/**
 * The decision half of applying a batch of check results (ADR 0011, ADR 0102): given the results
 * and the state the transaction loaded (locked monitor rows, their open incidents and outages,
 * who is in maintenance, the time), what must be written. Pure: no I/O, no clock; the persistence
 * half (packages/db/src/queries/monitoring-engine.ts) loads the state, calls `plan` and writes the
 * plan, and takes no decision of its own.
 *
 * Per result, in slot order: results of unknown or paused monitors and results not newer than the
 * monitor's last applied slot (a replayed job) are skipped; the others go through the state machine
 * (`applyCheck`), whose actions become incident and outage writes, then the certificate rule.
 */
import { applyCheck, type RuntimeState } from './incident-engine';
import { IncidentPlanner } from './check-batch-incidents';
import type {
  BatchMonitor,
  CheckBatchDecision,
  CheckBatchPlan,
  CheckBatchState,
  CheckOutcomeInput,
  CheckRow,
  DailyIncrement,
  MonitorStateUpdate,
  SkippedResult,
} from './check-batch-plan';

/**
 * Incident, outage and maintenance lookups are only needed where something can change: a failure,
 * a monitor not plainly up, a slow check that may open a performance incident, or certificate data
 * to judge. The all-up steady state loads nothing more than the monitor rows (ADR 0011).
 */
export function needsIncidentState(m: BatchMonitor, r: CheckOutcomeInput): boolean {
  // 'pending' too: a resumed monitor restarts as pending while an incident may still be open.
  // 'degraded' too: a performance incident may be open (and must resolve even if the option was turned off).
  const plainlyUp = m.status === 'up';
  const mayBeSlowIncident = Boolean(m.alert_on_degraded) && r.status === 'degraded';
  return r.status === 'down' || !plainlyUp || mayBeSlowIncident || m.consecutive_failures > 0 || (m.ssl_expiry_days !== null && r.cert_days_left !== null);
}

const ms = (n: number | null | undefined) => (n === null || n === undefined || !Number.isFinite(n) ? null : Math.max(0, Math.round(n)));
const text = (s: string | null, max = 500) => (s === null ? null : s.length > max ? `${s.slice(0, max - 1)}…` : s);

export function planCheckBatch(input: CheckBatchState): CheckBatchPlan {
  const byId = new Map(input.monitors.map((m) => [m.id, m]));
  const incidents = new IncidentPlanner(input.openIncidents, input.openOutages);
  const state = new Map<number, RuntimeState>(input.monitors.map((m) => [m.id, incidents.runtimeStateOf(m)]));
  const lastApplied = new Map(input.monitors.map((m) => [m.id, m.last_scheduled_at?.getTime() ?? -1]));
  const skipped: SkippedResult[] = [];
  const skip = (r: CheckOutcomeInput, reason: SkippedResult['reason']) => skipped.push({ monitor_id: r.monitor_id, scheduled_at: r.scheduled_at, reason });
  const accepted: CheckOutcomeInput[] = [];
  const latest = new Map<number, CheckOutcomeInput>();

  const sorted = [...input.results].sort((a, b) => a.scheduled_at.getTime() - b.scheduled_at.getTime());
  for (const r of sorted) {
    const m = byId.get(r.monitor_id);
    // Deleted or paused since the job was queued: the check is dropped, the pause wins.
    if (!m) skip(r, 'unknown_monitor');
    else if (!m.enabled) skip(r, 'paused');
    else if (r.scheduled_at.getTime() <= lastApplied.get(m.id)!) skip(r, 'replayed');
    else {
      lastApplied.set(m.id, r.scheduled_at.getTime());
      accepted.push(r);
      latest.set(m.id, r);
      const maint = input.inMaintenance.has(m.id);
      const before = state.get(m.id)!;
      const rules = { confirmations: m.confirmations, recoveryConfirmations: m.recovery_confirmations, alertOnDegraded: Boolean(m.alert_on_degraded) };
      const t = applyCheck(before, r.status, r.checked_at.getTime(), rules, maint);
      state.set(m.id, t.state);
      for (const action of t.actions) incidents.apply(m, r, before, action);
      incidents.certificate(m, r, maint);
    }
  }

  const changedTeamIds = new Set<number>();
  for (const m of input.monitors) if (state.get(m.id)!.status !== m.status) changedTeamIds.add(m.team_id);
  if (incidents.writes.some((w) => 'event' in w)) for (const r of accepted) changedTeamIds.add(byId.get(r.monitor_id)!.team_id);

  return {
    incidentWrites: incidents.writes,
    checks: accepted.map((r) => checkRow(r, byId.get(r.monitor_id)!.team_id)),
    monitorUpdates: [...latest.values()].map((r) => monitorUpdate(r, state.get(r.monitor_id)!, byId.get(r.monitor_id)!, input.now)),
    daily: dailyIncrements(accepted, byId),
    skipped,
    changedTeamIds: [...changedTeamIds],
  };
}

function checkRow(r: CheckOutcomeInput, teamId: number): CheckRow {
  return {
    monitor_id: r.monitor_id,
    team_id: teamId,
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
  };
}

function monitorUpdate(r: CheckOutcomeInput, s: RuntimeState, m: BatchMonitor, now: Date): MonitorStateUpdate {
  return {
    id: m.id,
    status: s.status,
    consecutive_failures: s.consecutiveFailures,
    consecutive_successes: s.consecutiveSuccesses,
    failing_since: s.failingSince === null ? null : new Date(s.failingSince),
    consecutive_degraded: s.consecutiveDegraded,
    consecutive_fast: s.consecutiveFast,
    degraded_since: s.degradedSince === null ? null : new Date(s.degradedSince),
    last_scheduled_at: r.scheduled_at,
    last_checked_at: r.checked_at,
    last_response_time_ms: ms(r.response_time_ms),
    last_error: text(r.error),
    cert_expires_at: r.cert_expires_at,
    status_changed_at: s.status !== m.status ? now : null,
  };
}

/** Per monitor and UTC day of the check; the average is over the successful checks with a time. */
function dailyIncrements(accepted: CheckOutcomeInput[], byId: Map<number, BatchMonitor>): DailyIncrement[] {
  const agg = new Map<string, DailyIncrement & { rtSum: number; rtN: number }>();
  for (const r of accepted) {
    const date = r.checked_at.toISOString().slice(0, 10);
    const key = `${r.monitor_id}|${date}`;
    let a = agg.get(key);
    if (!a) {
      a = { monitor_id: r.monitor_id, team_id: byId.get(r.monitor_id)!.team_id, date, checks: 0, up_checks: 0, degraded_checks: 0, down_checks: 0, avg_response_time_ms: null, rtSum: 0, rtN: 0 };
      agg.set(key, a);
    }
    a.checks += 1;
    if (r.status === 'up') a.up_checks += 1;
    else if (r.status === 'degraded') a.degraded_checks += 1;
    else a.down_checks += 1;
    if (r.response_time_ms !== null && r.status !== 'down') {
      a.rtSum += r.response_time_ms;
      a.rtN += 1;
    }
  }
  return [...agg.values()].map(({ rtSum, rtN, ...a }) => ({ ...a, avg_response_time_ms: rtN ? Math.round(rtSum / rtN) : null }));
}

/** The decision the worker hands to `applyCheckResults` (packages/db). */
export const checkBatchDecision: CheckBatchDecision = { needsIncidentState, plan: planCheckBatch };
