/**
 * The incident state machine (SPEC 4.3), as pure functions: given a monitor's runtime state and one
 * check result, what is the next state and which incident/outage actions follow. The worker applies
 * the actions in a transaction; the database's unique open-incident key backs the "never two open
 * incidents per monitor" rule.
 */

export type CheckOutcome = 'up' | 'down' | 'degraded';
export type MonitorRuntimeStatus = 'pending' | 'up' | 'down' | 'degraded' | 'paused';

export interface RuntimeState {
  status: MonitorRuntimeStatus;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  /** First failing check of the current failure streak (ms), null while succeeding. */
  failingSince: number | null;
  /** An automatic (outage) incident is open for the monitor. */
  incidentOpen: boolean;
  /** A confirmed outage interval is running (the monitor is counted as down). */
  outageOpen: boolean;
}

export interface IncidentRules {
  /** Consecutive failures before an incident opens (>= 1). */
  confirmations: number;
  /** Consecutive successes before an open incident resolves (>= 1). */
  recoveryConfirmations: number;
}

export type EngineAction =
  | { type: 'open_incident'; startedAt: number }
  | { type: 'start_outage'; at: number }
  | { type: 'end_outage'; at: number }
  | { type: 'resolve_incident'; at: number };

export interface Transition {
  state: RuntimeState;
  actions: EngineAction[];
}

export const INITIAL_STATE: RuntimeState = {
  status: 'pending',
  consecutiveFailures: 0,
  consecutiveSuccesses: 0,
  failingSince: null,
  incidentOpen: false,
  outageOpen: false,
};

/**
 * One check result applied to the state.
 * - Failures count toward `confirmations`; the incident and its outage start at the first failing
 *   check of the streak (downtime is measured from there, not from the confirming check).
 * - While an incident is open, each new failure after a success restarts the outage at once.
 * - A success ends the outage at once (downtime stops at the first successful check) but the
 *   incident resolves only after `recoveryConfirmations` successes, so a flapping target does not
 *   open and close incidents every minute. Until then the monitor stays `down`.
 * - During maintenance no incident opens (failures still count, so a monitor still down when the
 *   window ends opens its incident at the next failing check); an open incident may still resolve.
 * - `degraded` is a success for incidents and uptime (the site answers), shown and counted apart.
 */
export function applyCheck(state: RuntimeState, outcome: CheckOutcome, at: number, rules: IncidentRules, inMaintenance = false): Transition {
  const confirmations = Math.max(1, rules.confirmations);
  const recovery = Math.max(1, rules.recoveryConfirmations);
  const actions: EngineAction[] = [];

  if (outcome === 'down') {
    const next: RuntimeState = {
      ...state,
      consecutiveFailures: state.consecutiveFailures + 1,
      consecutiveSuccesses: 0,
      failingSince: state.failingSince ?? at,
    };
    if (state.incidentOpen) {
      if (!state.outageOpen) {
        actions.push({ type: 'start_outage', at });
        next.outageOpen = true;
      }
      next.status = 'down';
    } else if (!inMaintenance && next.consecutiveFailures >= confirmations) {
      const startedAt = next.failingSince!;
      actions.push({ type: 'open_incident', startedAt }, { type: 'start_outage', at: startedAt });
      next.incidentOpen = true;
      next.outageOpen = true;
      next.status = 'down';
    } else if (inMaintenance) {
      next.status = 'down';
    }
    return { state: next, actions };
  }

  const next: RuntimeState = {
    ...state,
    consecutiveFailures: 0,
    consecutiveSuccesses: state.consecutiveSuccesses + 1,
    failingSince: null,
  };
  if (state.outageOpen) {
    actions.push({ type: 'end_outage', at });
    next.outageOpen = false;
  }
  if (state.incidentOpen) {
    if (next.consecutiveSuccesses >= recovery) {
      actions.push({ type: 'resolve_incident', at });
      next.incidentOpen = false;
      next.status = outcome;
    } else {
      next.status = 'down';
    }
  } else {
    next.status = outcome;
  }
  return { state: next, actions };
}

export type CertificateAction = 'open' | 'resolve' | null;

/**
 * Certificate-expiry incidents: open when the certificate has `thresholdDays` or fewer days left,
 * resolve once a renewed certificate is seen. No certificate information (a failed check, plain
 * HTTP) changes nothing; no threshold means the check is off.
 */
export function certificateAction(daysLeft: number | null, thresholdDays: number | null, open: boolean, inMaintenance = false): CertificateAction {
  if (thresholdDays === null || daysLeft === null) return null;
  if (daysLeft <= thresholdDays) return open || inMaintenance ? null : 'open';
  return open ? 'resolve' : null;
}

/** The default severity rules: down uses the monitor's severity (default critical), certificates minor. */
export function incidentSeverity(kind: 'auto' | 'certificate', monitorSeverity: 'critical' | 'major' | 'minor' | null): 'critical' | 'major' | 'minor' {
  if (kind === 'certificate') return 'minor';
  return monitorSeverity ?? 'critical';
}
