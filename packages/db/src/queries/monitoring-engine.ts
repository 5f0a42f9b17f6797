import { transactionWithRetry } from '../retry';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { BatchMonitor, CheckBatchDecision, CheckBatchState, CheckOutcomeInput, DailyIncrement, MonitorStateUpdate } from '@sentrypulse/shared';
import type { Database } from '../schema';
import { applyIncidentWrites } from './incident-writes';
import { monitorsInMaintenance } from './monitoring';

export type { CheckOutcomeInput } from '@sentrypulse/shared';
export { insertEvent, resolveIncident } from './incident-writes';

/**
 * Applies a batch of check results in one transaction (ADR 0011), as load → decide → write
 * (ADR 0102). This module is persistence only: it locks and loads the state, hands it to the
 * pure decision it is given (`checkBatchDecision` from @sentrypulse/shared: the state machine,
 * incidents, outages, certificates, maintenance, replays) and writes the returned plan: incident
 * writes in order, then one multi-row INSERT of the checks, one UPDATE of the monitors and one
 * upsert of the day's counters. Monitor rows are locked in id order, so concurrent batches from
 * several workers serialise per monitor without deadlocking.
 */
export interface ApplyResult {
  applied: number;
  skipped: number;
  eventIds: string[];
  /** Teams whose monitors changed status or incidents: their status-page caches are stale. */
  changedTeamIds: number[];
}

export async function applyCheckResults(db: Kysely<Database>, results: CheckOutcomeInput[], decision: CheckBatchDecision): Promise<ApplyResult> {
  if (results.length === 0) return { applied: 0, skipped: 0, eventIds: [], changedTeamIds: [] };
  return transactionWithRetry(db, async (trx) => {
    const plan = decision.plan(await loadCheckBatchState(trx, results, decision, new Date()));
    const eventIds = await applyIncidentWrites(trx, plan.incidentWrites);
    if (plan.checks.length > 0) {
      await trx.insertInto('monitor_checks').values(plan.checks).execute();
      await updateMonitorState(trx, plan.monitorUpdates);
      await countDaily(trx, plan.daily);
    }
    return { applied: plan.checks.length, skipped: plan.skipped.length, eventIds, changedTeamIds: plan.changedTeamIds };
  }, { label: 'applyCheckResults' });
}

/**
 * Locks the batch's monitor rows (id order) and loads what the decision reads. Open incidents,
 * outages and maintenance are read only for the monitors the decision says need them, in one
 * round of three parallel queries.
 */
async function loadCheckBatchState(trx: Transaction<Database>, results: CheckOutcomeInput[], decision: CheckBatchDecision, now: Date): Promise<CheckBatchState> {
  const ids = [...new Set(results.map((r) => r.monitor_id))].sort((a, b) => a - b);
  const monitors: BatchMonitor[] = await trx
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
  const wanted = new Set<number>();
  for (const r of results) {
    const m = byId.get(r.monitor_id);
    if (m && decision.needsIncidentState(m, r)) wanted.add(m.id);
  }
  const state: CheckBatchState = { results, monitors, openIncidents: [], openOutages: [], inMaintenance: new Set(), now };
  if (wanted.size === 0) return state;
  const list = [...wanted];
  const keys = list.flatMap((id) => [`${id}:auto`, `${id}:certificate`]);
  const [incidents, outages, inMaintenance] = await Promise.all([
    trx.selectFrom('incidents').select(['id', 'monitor_id', 'kind', 'cause', 'status', 'severity']).where('open_monitor_key', 'in', keys).$narrowType<{ monitor_id: number }>().execute(),
    trx.selectFrom('monitor_outages').select(['id', 'monitor_id']).where('monitor_id', 'in', list).where('ended_at', 'is', null).execute(),
    monitorsInMaintenance(trx, list, now),
  ]);
  return { ...state, openIncidents: incidents, openOutages: outages, inMaintenance };
}

/** One statement for the whole batch (CASE per column), instead of one UPDATE per check. */
async function updateMonitorState(trx: Transaction<Database>, updates: MonitorStateUpdate[]): Promise<void> {
  const col = <K extends keyof MonitorStateUpdate>(k: K) => sql.join(updates.map((u) => sql`WHEN ${u.id} THEN ${u[k]}`), sql` `);
  // A null in these two keeps the stored value: the status did not change / no certificate data.
  await sql`
    UPDATE monitors SET
      status_changed_at = COALESCE(CASE id ${col('status_changed_at')} END, status_changed_at),
      status = CASE id ${col('status')} END,
      consecutive_failures = CASE id ${col('consecutive_failures')} END,
      consecutive_successes = CASE id ${col('consecutive_successes')} END,
      failing_since = CASE id ${col('failing_since')} END,
      consecutive_degraded = CASE id ${col('consecutive_degraded')} END,
      consecutive_fast = CASE id ${col('consecutive_fast')} END,
      degraded_since = CASE id ${col('degraded_since')} END,
      last_scheduled_at = CASE id ${col('last_scheduled_at')} END,
      last_checked_at = CASE id ${col('last_checked_at')} END,
      last_response_time_ms = CASE id ${col('last_response_time_ms')} END,
      last_error = CASE id ${col('last_error')} END,
      cert_expires_at = COALESCE(CASE id ${col('cert_expires_at')} END, cert_expires_at)
    WHERE id IN (${sql.join(updates.map((u) => u.id))})
  `.execute(trx);
}

async function countDaily(trx: Transaction<Database>, rows: DailyIncrement[]): Promise<void> {
  // Running counters for the day in one statement. The average is weighted by the successful
  // checks and folded in before the counters change (MySQL applies ON DUPLICATE KEY assignments
  // left to right). The nightly rollup recomputes exact figures (and p95) from the raw checks.
  const values = sql.join(
    rows.map(
      (a) =>
        sql`(${a.monitor_id}, ${a.team_id}, ${a.date}, ${a.checks}, ${a.up_checks}, ${a.degraded_checks}, ${a.down_checks}, 0, 0, 0, ${a.avg_response_time_ms})`,
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
