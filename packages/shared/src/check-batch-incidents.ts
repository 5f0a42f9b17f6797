/**
 * Turns the state machine's actions (and the certificate rule) into the ordered incident and
 * outage writes of a check batch's plan. It tracks the open incidents and outages as the plan
 * changes them, so a later result of the same batch sees what an earlier one opened: an incident
 * opened by one check and escalated by the next names the planned row, not a database id.
 */
import {
  certificateAction,
  incidentSeverity,
  moreSevere,
  outageIncidentTitle,
  slowIncidentTitle,
  type EngineAction,
  type RuntimeState,
} from './incident-engine';
import {
  certificateExpiringMessage,
  certificateExpiringTitle,
  CERTIFICATE_RENEWED_MESSAGE,
  deescalatedMessage,
  escalatedMessage,
  fastAgainMessage,
  outageOpenedMessage,
  recoveredMessage,
  slowOpenedMessage,
} from './incident-messages';
import type { BatchMonitor, CheckOutcomeInput, IncidentRef, IncidentWrite, OpenIncident, OpenOutage, OutageRef } from './check-batch-plan';
import type { IncidentCause, IncidentStatus } from './incidents';
import type { Severity } from './monitors';

// Column sizes of incidents.title and incident_updates.message.
const TITLE_MAX = 200;
const MESSAGE_MAX = 10_000;

/** An open incident as the plan knows it: what a later escalation reads. */
interface Tracked {
  ref: IncidentRef;
  status: IncidentStatus;
  severity: Severity;
  cause: IncidentCause | null;
}

const autoKey = (monitorId: number) => `${monitorId}:auto`;
const certificateKey = (monitorId: number) => `${monitorId}:certificate`;

export class IncidentPlanner {
  readonly writes: IncidentWrite[] = [];
  /** Open incidents by `<monitor>:<kind>`, the shape of the database's open_monitor_key. */
  private readonly incidents = new Map<string, Tracked>();
  private readonly outages = new Map<number, OutageRef>();
  private planned = 0;

  constructor(openIncidents: readonly OpenIncident[], openOutages: readonly OpenOutage[]) {
    for (const i of openIncidents) {
      if (i.kind !== 'manual') this.incidents.set(`${i.monitor_id}:${i.kind}`, { ref: { id: i.id }, status: i.status, severity: i.severity, cause: i.cause });
    }
    for (const o of openOutages) this.outages.set(o.monitor_id, { id: o.id });
  }

  /** The state machine's view of a locked monitor row and its open automatic incident and outage. */
  runtimeStateOf(m: BatchMonitor): RuntimeState {
    const incident = this.incidents.get(autoKey(m.id));
    return {
      status: m.status,
      consecutiveFailures: m.consecutive_failures,
      consecutiveSuccesses: m.consecutive_successes,
      failingSince: m.failing_since ? m.failing_since.getTime() : null,
      incidentOpen: incident !== undefined,
      // A NULL cause on an automatic incident reads as an outage (ADR 0014).
      incidentCause: incident ? (incident.cause ?? 'down') : null,
      outageOpen: this.outages.has(m.id),
      consecutiveDegraded: m.consecutive_degraded,
      consecutiveFast: m.consecutive_fast,
      degradedSince: m.degraded_since ? m.degraded_since.getTime() : null,
    };
  }

  /** One action of `applyCheck` for result `r`; `before` is the monitor's state before that check. */
  apply(m: BatchMonitor, r: CheckOutcomeInput, before: RuntimeState, action: EngineAction): void {
    const text = messageContext(m, r);
    switch (action.type) {
      case 'open_incident':
        if (action.cause === 'degraded') {
          this.open(m, 'auto', 'degraded', slowIncidentTitle(m.name, r.response_time_ms, m.degraded_threshold_ms), new Date(action.startedAt), slowOpenedMessage(text));
        } else {
          this.open(m, 'auto', 'down', outageIncidentTitle(m.name), new Date(action.startedAt), outageOpenedMessage(text));
        }
        return;
      case 'escalate_incident':
        return this.changeCause(m, 'down', outageIncidentTitle(m.name), action.at, escalatedMessage(text, before.failingSince ?? action.at));
      case 'deescalate_incident':
        return this.changeCause(m, 'degraded', slowIncidentTitle(m.name, r.response_time_ms, m.degraded_threshold_ms), action.at, deescalatedMessage(text));
      case 'start_outage': {
        const ref = this.planned++;
        this.writes.push({ type: 'start_outage', ref, team_id: m.team_id, monitor_id: m.id, incident: this.incidents.get(autoKey(m.id))?.ref ?? null, started_at: new Date(action.at) });
        this.outages.set(m.id, { planned: ref });
        return;
      }
      case 'end_outage': {
        const outage = this.outages.get(m.id);
        if (outage) this.writes.push({ type: 'end_outage', outage, at: new Date(action.at) });
        this.outages.delete(m.id);
        return;
      }
      case 'resolve_incident':
        return this.resolve(m, autoKey(m.id), new Date(action.at), before.incidentCause === 'degraded' ? fastAgainMessage(text) : recoveredMessage(text));
    }
  }

  /** The certificate-expiry rule for result `r` (after its state-machine actions). */
  certificate(m: BatchMonitor, r: CheckOutcomeInput, inMaintenance: boolean): void {
    const key = certificateKey(m.id);
    const action = certificateAction(r.cert_days_left, m.ssl_expiry_days, this.incidents.has(key), inMaintenance);
    if (action === 'open') {
      const days = r.cert_days_left!;
      this.open(m, 'certificate', null, certificateExpiringTitle(m.name, days), r.checked_at, certificateExpiringMessage(r.cert_expires_at, days));
    } else if (action === 'resolve') {
      this.resolve(m, key, r.checked_at, CERTIFICATE_RENEWED_MESSAGE);
    }
  }

  private open(m: BatchMonitor, kind: 'auto' | 'certificate', cause: IncidentCause | null, title: string, startedAt: Date, message: string): void {
    const ref = this.planned++;
    const severity = incidentSeverity(kind, m.severity, cause ?? 'down');
    this.writes.push({
      type: 'open_incident',
      ref,
      team_id: m.team_id,
      monitor_id: m.id,
      kind,
      cause,
      title: title.slice(0, TITLE_MAX),
      severity,
      started_at: startedAt,
      message: message.slice(0, MESSAGE_MAX),
      event: kind === 'certificate' ? 'certificate.expiring' : 'incident.opened',
    });
    this.incidents.set(`${m.id}:${kind}`, { ref: { planned: ref }, status: 'investigating', severity, cause });
  }

  /**
   * Escalation (slow → down) or de-escalation (down → slow) of the one open automatic incident
   * (ADR 0014). Escalating never lowers a severity a person raised and reopens the investigation;
   * de-escalating sets the performance severity (minor) and keeps the status.
   */
  private changeCause(m: BatchMonitor, cause: IncidentCause, title: string, at: number, message: string): void {
    const current = this.incidents.get(autoKey(m.id));
    if (!current) return;
    current.severity = cause === 'down' ? moreSevere(current.severity, incidentSeverity('auto', m.severity, 'down')) : incidentSeverity('auto', m.severity, 'degraded');
    if (cause === 'down') current.status = 'investigating';
    current.cause = cause;
    this.writes.push({
      type: 'change_cause',
      incident: current.ref,
      team_id: m.team_id,
      monitor_id: m.id,
      cause,
      title: title.slice(0, TITLE_MAX),
      severity: current.severity,
      status: current.status,
      at: new Date(at),
      message: message.slice(0, MESSAGE_MAX),
      event: 'incident.updated',
    });
  }

  private resolve(m: BatchMonitor, key: string, at: Date, message: string): void {
    const current = this.incidents.get(key);
    this.incidents.delete(key);
    if (current) this.writes.push({ type: 'resolve_incident', incident: current.ref, team_id: m.team_id, monitor_id: m.id, at, message, event: 'incident.resolved' });
  }
}

function messageContext(m: BatchMonitor, r: CheckOutcomeInput) {
  return { confirmations: m.confirmations, recoveryConfirmations: m.recovery_confirmations, thresholdMs: m.degraded_threshold_ms, responseTimeMs: r.response_time_ms, error: r.error };
}
