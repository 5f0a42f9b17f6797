/**
 * The shapes of a check batch's decision (ADR 0102): what the transaction loads (`CheckBatchState`),
 * what the pure planner returns (`CheckBatchPlan`: every write, in order), and the pair of pure
 * functions the persistence half is handed (`CheckBatchDecision`). Types only.
 */
import type { MonitorRuntimeStatus } from './incident-engine';
import type { IncidentCause, IncidentEventType, IncidentStatus } from './incidents';
import type { CheckStatus, Severity } from './monitors';

/** One check result as the worker hands it over. */
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

/** A monitor row as the transaction locked it: runtime state, last applied slot and incident rules. */
export interface BatchMonitor {
  id: number;
  team_id: number;
  name: string;
  enabled: boolean | number;
  status: MonitorRuntimeStatus;
  consecutive_failures: number;
  consecutive_successes: number;
  failing_since: Date | null;
  consecutive_degraded: number;
  consecutive_fast: number;
  degraded_since: Date | null;
  last_scheduled_at: Date | null;
  confirmations: number;
  recovery_confirmations: number;
  severity: Severity;
  ssl_expiry_days: number | null;
  degraded_threshold_ms: number | null;
  alert_on_degraded: boolean | number;
}

/** An open automatic or certificate incident of a monitor in the batch. */
export interface OpenIncident {
  id: number;
  monitor_id: number;
  kind: 'auto' | 'manual' | 'certificate';
  cause: IncidentCause | null;
  status: IncidentStatus;
  severity: Severity;
}

export interface OpenOutage {
  id: string;
  monitor_id: number;
}

/** Everything the decision reads. Incidents, outages and maintenance are loaded only for the monitors `needsIncidentState` picks; the others have none. */
export interface CheckBatchState {
  results: readonly CheckOutcomeInput[];
  monitors: readonly BatchMonitor[];
  openIncidents: readonly OpenIncident[];
  openOutages: readonly OpenOutage[];
  inMaintenance: ReadonlySet<number>;
  now: Date;
}

/** A row written by this plan, named by its place in the plan (`planned`), or one that exists. */
export type IncidentRef = { id: number } | { planned: number };
export type OutageRef = { id: string } | { planned: number };

/**
 * Incident and outage writes, applied in this order (later ones may name rows earlier ones create).
 * Each incident write adds a timeline entry (`message`) and, where `event` is set, an
 * `incident_events` row for the alert dispatcher (the outbox, ADR 0021).
 */
export type IncidentWrite =
  | {
      type: 'open_incident';
      ref: number;
      team_id: number;
      monitor_id: number;
      kind: 'auto' | 'certificate';
      cause: IncidentCause | null;
      title: string;
      severity: Severity;
      started_at: Date;
      message: string;
      event: Extract<IncidentEventType, 'incident.opened' | 'certificate.expiring'>;
    }
  /** Escalation or de-escalation in place (ADR 0014). */
  | {
      type: 'change_cause';
      incident: IncidentRef;
      team_id: number;
      monitor_id: number;
      cause: IncidentCause;
      title: string;
      severity: Severity;
      status: IncidentStatus;
      at: Date;
      message: string;
      event: 'incident.updated';
    }
  | { type: 'resolve_incident'; incident: IncidentRef; team_id: number; monitor_id: number; at: Date; message: string; event: 'incident.resolved' }
  | { type: 'start_outage'; ref: number; team_id: number; monitor_id: number; incident: IncidentRef | null; started_at: Date }
  | { type: 'end_outage'; outage: OutageRef; at: Date };

/** A `monitor_checks` row. */
export interface CheckRow {
  monitor_id: number;
  team_id: number;
  status: CheckStatus;
  status_code: number | null;
  response_time_ms: number | null;
  dns_ms: number | null;
  connect_ms: number | null;
  tls_ms: number | null;
  ttfb_ms: number | null;
  error: string | null;
  cert_expires_at: Date | null;
  scheduled_at: Date;
  checked_at: Date;
}

/** The monitor row after its latest accepted result of the batch. */
export interface MonitorStateUpdate
  extends Pick<
    BatchMonitor,
    'id' | 'status' | 'consecutive_failures' | 'consecutive_successes' | 'failing_since' | 'consecutive_degraded' | 'consecutive_fast' | 'degraded_since'
  > {
  last_scheduled_at: Date;
  last_checked_at: Date;
  last_response_time_ms: number | null;
  last_error: string | null;
  /** Null keeps the stored value (a check without certificate data). */
  cert_expires_at: Date | null;
  /** Null keeps the stored value (the status did not change). */
  status_changed_at: Date | null;
}

/** Counters to add to a monitor's `monitor_daily` row; the average covers this batch's successful checks. */
export interface DailyIncrement {
  monitor_id: number;
  team_id: number;
  /** UTC date, YYYY-MM-DD. */
  date: string;
  checks: number;
  up_checks: number;
  degraded_checks: number;
  down_checks: number;
  avg_response_time_ms: number | null;
}

export interface SkippedResult {
  monitor_id: number;
  scheduled_at: Date;
  /** `replayed`: not newer than the last applied slot; `paused`/`unknown_monitor`: the pause (or deletion) wins. */
  reason: 'unknown_monitor' | 'paused' | 'replayed';
}

export interface CheckBatchPlan {
  incidentWrites: IncidentWrite[];
  checks: CheckRow[];
  monitorUpdates: MonitorStateUpdate[];
  daily: DailyIncrement[];
  skipped: SkippedResult[];
  /** Teams whose monitors changed status or incidents: their status-page caches are stale. */
  changedTeamIds: number[];
}

/** What the persistence half is handed: which monitors need their incident state loaded, and the plan. */
export interface CheckBatchDecision {
  needsIncidentState(monitor: BatchMonitor, result: CheckOutcomeInput): boolean;
  plan(state: CheckBatchState): CheckBatchPlan;
}
