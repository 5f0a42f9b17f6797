/**
 * The incident state machine (SPEC 4.3), as pure functions: given a monitor's runtime state and one
 * check result, what is the next state and which incident/outage actions follow. The worker applies
 * the actions in a transaction; the database's unique open-incident key backs the "never two open
 * incidents per monitor" rule.
 */

// What an automatic incident is about: `down` (an outage: failing checks, downtime counted) or
// `degraded` (a performance incident: the target answers, slower than its threshold; no downtime).
// One automatic incident per monitor at a time: a performance incident escalates to `down` and an
// outage de-escalates to `degraded` instead of a second incident opening (ADR 0014).
import type { IncidentCause } from './incidents';

export type CheckOutcome = 'up' | 'down' | 'degraded';
export type MonitorRuntimeStatus = 'pending' | 'up' | 'down' | 'degraded' | 'paused';

export interface RuntimeState {
  status: MonitorRuntimeStatus;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  /** First failing check of the current failure streak (ms), null while succeeding. */
  failingSince: number | null;
  /** An automatic incident (outage or performance) is open for the monitor. */
  incidentOpen: boolean;
  /** What the open automatic incident is about; null when none is open. */
  incidentCause: IncidentCause | null;
  /** A confirmed outage interval is running (the monitor is counted as down). */
  outageOpen: boolean;
  /** Consecutive `degraded` checks (reset by any `up` or `down` check). */
  consecutiveDegraded: number;
  /** Consecutive `up` checks, i.e. fast successes (reset by any `degraded` or `down` check). */
  consecutiveFast: number;
  /** First `degraded` check of the current slow streak (ms), null otherwise. */
  degradedSince: number | null;
}

export interface IncidentRules {
  /** Consecutive failures (or, with alertOnDegraded, slow checks) before an incident opens (>= 1). */
  confirmations: number;
  /** Consecutive successes (fast ones for a performance incident) before an open incident resolves (>= 1). */
  recoveryConfirmations: number;
  /** Opt-in: `confirmations` consecutive degraded checks open a performance incident. Default false. */
  alertOnDegraded?: boolean;
}

export type EngineAction =
  | { type: 'open_incident'; startedAt: number; cause: IncidentCause }
  /** The open performance incident becomes an outage (the target now fails). */
  | { type: 'escalate_incident'; at: number }
  /** The open outage becomes a performance incident (the target answers again, but slowly). */
  | { type: 'deescalate_incident'; at: number }
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
  incidentCause: null,
  outageOpen: false,
  consecutiveDegraded: 0,
  consecutiveFast: 0,
  degradedSince: null,
};

/**
 * One check result applied to the state.
 * - Failures count toward `confirmations`; the incident and its outage start at the first failing
 *   check of the streak (downtime is measured from there, not from the confirming check).
 * - While an outage incident is open, each new failure after a success restarts the outage at once.
 * - A success ends the outage at once (downtime stops at the first successful check) but the
 *   incident resolves only after `recoveryConfirmations` successes, so a flapping target does not
 *   open and close incidents every minute. Until then the monitor stays `down`.
 * - During maintenance no incident opens or escalates (failures still count, so a monitor still
 *   down when the window ends opens its incident at the next failing check); an open incident may
 *   still resolve or de-escalate.
 * - `degraded` is a success for uptime (the site answers): it never starts an outage.
 * - Without `alertOnDegraded`, `degraded` is also a success for incidents, shown and counted apart.
 * - With `alertOnDegraded` (ADR 0014): `confirmations` consecutive degraded checks open a
 *   performance incident (cause `degraded`, from the first slow check), which resolves after
 *   `recoveryConfirmations` consecutive fast (`up`) checks; the monitor stays `degraded` until then.
 *   Confirmed failures while it is open escalate the same incident to `down` (the outage starts at
 *   the first failing check, as usual). An outage whose recovery is confirmed while the checks are
 *   not yet fast for `recoveryConfirmations` in a row de-escalates to a performance incident
 *   instead of resolving.
 * - A performance incident left open after `alertOnDegraded` was turned off resolves at the next
 *   success.
 */
export function applyCheck(state: RuntimeState, outcome: CheckOutcome, at: number, rules: IncidentRules, inMaintenance = false): Transition {
  const confirmations = Math.max(1, rules.confirmations);
  const recovery = Math.max(1, rules.recoveryConfirmations);
  const alertSlow = rules.alertOnDegraded === true;
  const cause: IncidentCause | null = state.incidentOpen ? (state.incidentCause ?? 'down') : null;
  const actions: EngineAction[] = [];

  if (outcome === 'down') {
    const next: RuntimeState = {
      ...state,
      consecutiveFailures: state.consecutiveFailures + 1,
      consecutiveSuccesses: 0,
      failingSince: state.failingSince ?? at,
      consecutiveDegraded: 0,
      consecutiveFast: 0,
      degradedSince: null,
    };
    if (cause === 'down') {
      if (!state.outageOpen) {
        actions.push({ type: 'start_outage', at });
        next.outageOpen = true;
      }
      next.status = 'down';
    } else if (!inMaintenance && next.consecutiveFailures >= confirmations) {
      const startedAt = next.failingSince!;
      // A performance incident already open becomes the outage: never a second open incident.
      actions.push(cause === 'degraded' ? { type: 'escalate_incident', at } : { type: 'open_incident', startedAt, cause: 'down' }, { type: 'start_outage', at: startedAt });
      next.incidentOpen = true;
      next.incidentCause = 'down';
      next.outageOpen = true;
      next.status = 'down';
    } else if (inMaintenance) {
      next.status = 'down';
    }
    return { state: next, actions };
  }

  const slow = outcome === 'degraded';
  const next: RuntimeState = {
    ...state,
    consecutiveFailures: 0,
    consecutiveSuccesses: state.consecutiveSuccesses + 1,
    failingSince: null,
    consecutiveDegraded: slow ? state.consecutiveDegraded + 1 : 0,
    consecutiveFast: slow ? 0 : state.consecutiveFast + 1,
    degradedSince: slow ? (state.degradedSince ?? at) : null,
  };
  if (state.outageOpen) {
    actions.push({ type: 'end_outage', at });
    next.outageOpen = false;
  }
  const resolve = () => {
    actions.push({ type: 'resolve_incident', at });
    next.incidentOpen = false;
    next.incidentCause = null;
    next.status = outcome;
  };
  if (cause === 'down') {
    if (next.consecutiveSuccesses < recovery) {
      next.status = 'down';
    } else if (alertSlow && next.consecutiveFast < recovery) {
      // Answering again, but not fast: the outage becomes a performance incident.
      actions.push({ type: 'deescalate_incident', at });
      next.incidentCause = 'degraded';
      next.status = 'degraded';
    } else {
      resolve();
    }
  } else if (cause === 'degraded') {
    if (!alertSlow || next.consecutiveFast >= recovery) resolve();
    else next.status = 'degraded';
  } else {
    if (alertSlow && slow && !inMaintenance && next.consecutiveDegraded >= confirmations) {
      actions.push({ type: 'open_incident', startedAt: next.degradedSince!, cause: 'degraded' });
      next.incidentOpen = true;
      next.incidentCause = 'degraded';
    }
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

/**
 * The default severity rules: an outage uses the monitor's severity (default critical); a
 * performance incident and an expiring certificate are minor (status pages show a minor automatic
 * incident as "degraded performance").
 */
export function incidentSeverity(
  kind: 'auto' | 'certificate',
  monitorSeverity: 'critical' | 'major' | 'minor' | null,
  cause: IncidentCause = 'down',
): 'critical' | 'major' | 'minor' {
  if (kind === 'certificate' || cause === 'degraded') return 'minor';
  return monitorSeverity ?? 'critical';
}

const SEVERITY_RANK = { minor: 0, major: 1, critical: 2 } as const;

/** The more severe of two severities (an escalation never lowers what a person raised). */
export function moreSevere<S extends keyof typeof SEVERITY_RANK>(a: S, b: S): S {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

/** `2340` → `2,340` (digit grouping without the locale of the machine). */
export function formatResponseTime(ms: number): string {
  return `${String(Math.round(ms)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} ms`;
}

/** Titles of automatic incidents, the first thing an on-call person reads. */
export function outageIncidentTitle(monitorName: string): string {
  return `${monitorName} is down`;
}

export function slowIncidentTitle(monitorName: string, responseTimeMs: number | null, thresholdMs: number | null): string {
  const measured = responseTimeMs === null ? '' : `: ${formatResponseTime(responseTimeMs)}`;
  const threshold = thresholdMs === null ? '' : ` (threshold ${formatResponseTime(thresholdMs)})`;
  return `${monitorName} is slow${measured}${threshold}`;
}
