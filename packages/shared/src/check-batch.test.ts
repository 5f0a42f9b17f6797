import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BatchMonitor, CheckBatchPlan, CheckBatchState, CheckOutcomeInput, OpenIncident } from './check-batch-plan';
import { planCheckBatch } from './check-batch';
import type { CheckOutcome } from './incident-engine';

const T0 = Date.parse('2026-05-01T10:00:00Z');
const NOW = new Date(T0 + 3_600_000);

function monitor(id: number, values: Partial<BatchMonitor> = {}): BatchMonitor {
  return {
    id,
    team_id: 10 + id,
    name: `m${id}`,
    enabled: 1,
    status: 'up',
    consecutive_failures: 0,
    consecutive_successes: 0,
    failing_since: null,
    consecutive_degraded: 0,
    consecutive_fast: 0,
    degraded_since: null,
    last_scheduled_at: null,
    confirmations: 2,
    recovery_confirmations: 1,
    severity: 'critical',
    ssl_expiry_days: null,
    degraded_threshold_ms: 1000,
    alert_on_degraded: 0,
    ...values,
  };
}

function result(monitorId: number, slot: number, status: CheckOutcome, extra: Partial<CheckOutcomeInput> = {}): CheckOutcomeInput {
  const at = new Date(T0 + slot * 30_000);
  return {
    monitor_id: monitorId,
    scheduled_at: at,
    checked_at: new Date(at.getTime() + 5),
    status,
    status_code: status === 'down' ? 503 : 200,
    response_time_ms: status === 'down' ? null : status === 'degraded' ? 2340 : 120,
    timings: { dns: 1, connect: 2, tls: null, ttfb: 100 },
    error: status === 'down' ? 'got 503' : null,
    cert_expires_at: null,
    cert_days_left: null,
    ...extra,
  };
}

const state = (monitors: BatchMonitor[], results: CheckOutcomeInput[], more: Partial<CheckBatchState> = {}): CheckBatchState => ({
  monitors,
  results,
  openIncidents: [],
  openOutages: [],
  inMaintenance: new Set(),
  now: NOW,
  ...more,
});

/** `u`/`d`/`g` per slot → results for one monitor. */
const outcomes = (id: number, s: string, from = 0) => [...s].map((c, i) => result(id, from + i, c === 'u' ? 'up' : c === 'd' ? 'down' : 'degraded'));
/** The writes as `type[:cause]@slot-offset` so a table reads like a timeline. */
const steps = (plan: CheckBatchPlan) =>
  plan.incidentWrites.map((w) => {
    const at = w.type === 'open_incident' ? w.started_at : w.type === 'start_outage' ? w.started_at : w.at;
    const cause = w.type === 'open_incident' || w.type === 'change_cause' ? `:${w.cause ?? w.kind}` : '';
    return `${w.type}${cause}@${(at.getTime() - T0 - 5) / 30_000}`;
  });
const events = (plan: CheckBatchPlan) => plan.incidentWrites.flatMap((w) => ('event' in w ? [w.event] : []));

describe('planCheckBatch', () => {
  it.each([
    ['opens after N confirmations, from the first failure', monitor(1), 'udd', ['open_incident:down@1', 'start_outage@1'], 'down'],
    ['one failure short of the confirmations opens nothing', monitor(1, { confirmations: 3 }), 'udd', [], 'up'],
    ['recovers at the first success with recovery_confirmations 1', monitor(1), 'ddu', ['open_incident:down@0', 'start_outage@0', 'end_outage@2', 'resolve_incident@2'], 'up'],
    ['stays down until the recovery is confirmed (2)', monitor(1, { recovery_confirmations: 2 }), 'ddu', ['open_incident:down@0', 'start_outage@0', 'end_outage@2'], 'down'],
    ['resolves on the second success (2)', monitor(1, { recovery_confirmations: 2 }), 'dduu', ['open_incident:down@0', 'start_outage@0', 'end_outage@2', 'resolve_incident@3'], 'up'],
    ['a slow streak opens nothing without alert_on_degraded', monitor(1), 'ggg', [], 'degraded'],
    ['a slow streak opens a performance incident with it', monitor(1, { alert_on_degraded: 1 }), 'ugg', ['open_incident:degraded@1'], 'degraded'],
    [
      'a performance incident escalates in place to down, de-escalates, resolves (ADR 0014)',
      monitor(1, { alert_on_degraded: 1 }),
      'ggddgu',
      ['open_incident:degraded@0', 'change_cause:down@3', 'start_outage@2', 'end_outage@4', 'change_cause:degraded@4', 'resolve_incident@5'],
      'up',
    ],
  ])('%s', (_name, m, seq, expected, status) => {
    const plan = planCheckBatch(state([m], outcomes(m.id, seq)));
    expect(steps(plan)).toEqual(expected);
    expect(plan.monitorUpdates).toHaveLength(1);
    expect(plan.monitorUpdates[0]!.status).toBe(status);
    expect(plan.checks).toHaveLength(seq.length);
  });

  it('escalation names the incident it opened earlier in the batch and keeps its planned outage link', () => {
    const plan = planCheckBatch(state([monitor(1, { alert_on_degraded: 1, severity: 'major' })], outcomes(1, 'ggdd')));
    const [open, change, outage] = plan.incidentWrites;
    expect(open).toMatchObject({ type: 'open_incident', ref: 0, severity: 'minor', title: 'm1 is slow: 2,340 ms (threshold 1,000 ms)', event: 'incident.opened' });
    expect(change).toMatchObject({ type: 'change_cause', incident: { planned: 0 }, cause: 'down', severity: 'major', status: 'investigating', title: 'm1 is down', event: 'incident.updated' });
    expect(outage).toMatchObject({ type: 'start_outage', incident: { planned: 0 } });
    expect(events(plan)).toEqual(['incident.opened', 'incident.updated']);
  });

  it('escalating an existing incident never lowers a severity a person raised; it names the stored id', () => {
    const open: OpenIncident = { id: 77, monitor_id: 1, kind: 'auto', cause: 'degraded', status: 'identified', severity: 'critical' };
    const m = monitor(1, { alert_on_degraded: 1, severity: 'minor', status: 'degraded', consecutive_degraded: 3 });
    const plan = planCheckBatch(state([m], outcomes(1, 'dd', 5), { openIncidents: [open] }));
    expect(plan.incidentWrites[0]).toMatchObject({ type: 'change_cause', incident: { id: 77 }, severity: 'critical', status: 'investigating' });
  });

  it('ignores replayed and out-of-order results not newer than the last applied slot; paused and unknown monitors are skipped', () => {
    const m = monitor(1, { last_scheduled_at: new Date(T0 + 5 * 30_000) });
    const paused = monitor(2, { enabled: 0, status: 'paused' });
    const plan = planCheckBatch(state([m, paused], [result(1, 5, 'down'), result(1, 4, 'down'), result(1, 6, 'up'), result(2, 6, 'down'), result(3, 6, 'down')]));
    expect(plan.checks.map((c) => [c.monitor_id, c.scheduled_at.getTime()])).toEqual([[1, T0 + 6 * 30_000]]);
    expect(plan.skipped.map((s) => s.reason).sort()).toEqual(['paused', 'replayed', 'replayed', 'unknown_monitor']);
    expect(plan.incidentWrites).toEqual([]);
  });

  it('applies results in slot order whatever the arrival order', () => {
    const plan = planCheckBatch(state([monitor(1)], [result(1, 3, 'up'), result(1, 1, 'down'), result(1, 0, 'up'), result(1, 2, 'down')]));
    expect(steps(plan)).toEqual(['open_incident:down@1', 'start_outage@1', 'end_outage@3', 'resolve_incident@3']);
    expect(plan.monitorUpdates[0]).toMatchObject({ status: 'up', last_scheduled_at: new Date(T0 + 90_000), consecutive_successes: 1 });
    expect(plan.daily).toEqual([{ monitor_id: 1, team_id: 11, date: '2026-05-01', checks: 4, up_checks: 2, degraded_checks: 0, down_checks: 2, avg_response_time_ms: 120 }]);
  });

  it('maintenance suppresses opening (failures still count); the next failure after the window opens at once', () => {
    const inWindow = planCheckBatch(state([monitor(1, { confirmations: 1 })], outcomes(1, 'ddd'), { inMaintenance: new Set([1]) }));
    expect(inWindow.incidentWrites).toEqual([]);
    expect(inWindow.monitorUpdates[0]).toMatchObject({ status: 'down', consecutive_failures: 3 });
    const after = planCheckBatch(state([monitor(1, { confirmations: 1, status: 'down', consecutive_failures: 3, failing_since: new Date(T0 + 5) })], outcomes(1, 'd', 3)));
    expect(steps(after)).toEqual(['open_incident:down@0', 'start_outage@0']);
  });

  it('certificate incidents open at the threshold (not in maintenance) and resolve once renewed', () => {
    const m = monitor(1, { ssl_expiry_days: 14 });
    const expiring = result(1, 0, 'up', { cert_days_left: 1, cert_expires_at: new Date(T0 + 86_400_000) });
    const opened = planCheckBatch(state([m], [expiring]));
    expect(opened.incidentWrites).toEqual([
      expect.objectContaining({ type: 'open_incident', kind: 'certificate', cause: null, severity: 'minor', title: 'Certificate for m1 expires in 1 day', event: 'certificate.expiring' }),
    ]);
    expect(planCheckBatch(state([m], [expiring], { inMaintenance: new Set([1]) })).incidentWrites).toEqual([]);
    const open: OpenIncident = { id: 5, monitor_id: 1, kind: 'certificate', cause: null, status: 'investigating', severity: 'minor' };
    const renewed = planCheckBatch(state([m], [result(1, 1, 'up', { cert_days_left: 80 })], { openIncidents: [open] }));
    expect(renewed.incidentWrites).toEqual([expect.objectContaining({ type: 'resolve_incident', incident: { id: 5 }, message: 'A renewed certificate was found.', event: 'incident.resolved' })]);
  });

  it('two monitors in one batch: writes per monitor, one update row each, stale teams are the changed ones', () => {
    const plan = planCheckBatch(state([monitor(1, { confirmations: 1 }), monitor(2)], [...outcomes(1, 'd'), ...outcomes(2, 'uu')]));
    expect(plan.incidentWrites.map((w) => ('monitor_id' in w ? w.monitor_id : null))).toEqual([1, 1]);
    expect(plan.monitorUpdates.map((u) => [u.id, u.status, u.status_changed_at])).toEqual([
      [1, 'down', NOW],
      [2, 'up', null],
    ]);
    expect(plan.checks).toHaveLength(3);
    expect(plan.changedTeamIds.sort()).toEqual([11, 12]);
    // nothing changed: no stale team
    expect(planCheckBatch(state([monitor(2)], outcomes(2, 'uu'))).changedTeamIds).toEqual([]);
  });

  it('for any sequences, batch splits and options: at most one open automatic incident per monitor, and one event per incident transition', () => {
    const seq = fc.array(fc.constantFrom<CheckOutcome>('up', 'down', 'degraded'), { maxLength: 40 });
    fc.assert(
      fc.property(seq, seq, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.integer({ min: 1, max: 7 }), (a, b, conf, rec, slow, batchSize) => {
        // Carry the state from batch to batch as the database would.
        const monitors = new Map([1, 2].map((id) => [id, monitor(id, { confirmations: conf, recovery_confirmations: rec, alert_on_degraded: slow ? 1 : 0 })]));
        let open: OpenIncident[] = [];
        const all = [...a.map((s, i) => result(1, i, s)), ...b.map((s, i) => result(2, i, s))];
        let nextId = 1;
        for (let i = 0; i < all.length; i += batchSize) {
          const plan = planCheckBatch(state([...monitors.values()], all.slice(i, i + batchSize), { openIncidents: open }));
          const opened = new Map<number, number>();
          for (const w of plan.incidentWrites) {
            if (w.type === 'open_incident' && w.kind === 'auto') {
              expect(open.some((o) => o.monitor_id === w.monitor_id)).toBe(false);
              const id = nextId++;
              opened.set(w.ref, id);
              open.push({ id, monitor_id: w.monitor_id, kind: 'auto', cause: w.cause, status: 'investigating', severity: w.severity });
            } else if (w.type === 'change_cause') {
              const id = 'id' in w.incident ? w.incident.id : opened.get(w.incident.planned)!;
              open = open.map((o) => (o.id === id ? { ...o, cause: w.cause, severity: w.severity, status: w.status } : o));
            } else if (w.type === 'resolve_incident') {
              const id = 'id' in w.incident ? w.incident.id : opened.get(w.incident.planned)!;
              expect(open.some((o) => o.id === id)).toBe(true);
              open = open.filter((o) => o.id !== id);
            }
          }
          // every open, change and resolve carries exactly one event; outages carry none
          expect(events(plan)).toHaveLength(plan.incidentWrites.filter((w) => w.type !== 'start_outage' && w.type !== 'end_outage').length);
          for (const u of plan.monitorUpdates) {
            const m = monitors.get(u.id)!;
            monitors.set(u.id, { ...m, ...u, status_changed_at: undefined, last_scheduled_at: u.last_scheduled_at } as BatchMonitor);
          }
          for (const id of [1, 2]) expect(open.filter((o) => o.monitor_id === id).length).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});
