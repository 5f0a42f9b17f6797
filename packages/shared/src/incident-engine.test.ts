import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyCheck,
  certificateAction,
  formatResponseTime,
  incidentSeverity,
  INITIAL_STATE,
  moreSevere,
  slowIncidentTitle,
  type CheckOutcome,
  type IncidentRules,
  type RuntimeState,
} from './incident-engine';

/** u = up, d = down, g = degraded; actions logged as `type@ms` (a performance incident opens as `open_slow_incident`). */
function run(outcomes: string, rules: IncidentRules = { confirmations: 2, recoveryConfirmations: 1 }, maintenance: boolean[] = [], from: RuntimeState = INITIAL_STATE) {
  let state: RuntimeState = from;
  const log: string[] = [];
  const statuses: string[] = [];
  [...outcomes].forEach((c, i) => {
    const outcome: CheckOutcome = c === 'u' ? 'up' : c === 'd' ? 'down' : 'degraded';
    const t = applyCheck(state, outcome, i * 1000, rules, maintenance[i] ?? false);
    state = t.state;
    statuses.push(state.status);
    for (const a of t.actions) {
      const name = a.type === 'open_incident' && a.cause === 'degraded' ? 'open_slow_incident' : a.type;
      log.push(`${name}@${'startedAt' in a ? a.startedAt : a.at}`);
    }
  });
  return { state, log, statuses };
}

const slowRules = (confirmations = 2, recoveryConfirmations = 1): IncidentRules => ({ confirmations, recoveryConfirmations, alertOnDegraded: true });

describe('applyCheck', () => {
  it.each([
    ['one failure does not open with 2 confirmations', 'ud', [], 'up'],
    ['opens after two failures, from the first failing check', 'udd', ['open_incident@1000', 'start_outage@1000'], 'down'],
    ['a success in between resets the count', 'udud', [], 'up'],
    ['resolves at the first success', 'uddu', ['open_incident@1000', 'start_outage@1000', 'end_outage@3000', 'resolve_incident@3000'], 'up'],
    ['further failures do not open a second incident', 'udddd', ['open_incident@1000', 'start_outage@1000'], 'down'],
    ['degraded counts as a success', 'uddg', ['open_incident@1000', 'start_outage@1000', 'end_outage@3000', 'resolve_incident@3000'], 'degraded'],
    ['pending stays pending on an unconfirmed failure', 'd', [], 'pending'],
  ])('%s', (_name, outcomes, actions, status) => {
    const { state, log } = run(outcomes);
    expect(log).toEqual(actions);
    expect(state.status).toBe(status);
  });

  it('with recovery confirmations, ends the outage at the first success but resolves later', () => {
    const { log, state } = run('dduduu', { confirmations: 2, recoveryConfirmations: 2 });
    expect(log).toEqual([
      'open_incident@0',
      'start_outage@0',
      'end_outage@2000',
      'start_outage@3000',
      'end_outage@4000',
      'resolve_incident@5000',
    ]);
    expect(state.status).toBe('up');
  });

  it('opens nothing during maintenance, then opens at the next failure after it', () => {
    const { log } = run('ddddd', { confirmations: 2, recoveryConfirmations: 1 }, [true, true, true, false, false]);
    expect(log).toEqual(['open_incident@0', 'start_outage@0']);
    const during = run('ddd', { confirmations: 2, recoveryConfirmations: 1 }, [true, true, true]);
    expect(during.log).toEqual([]);
    expect(during.state.status).toBe('down');
  });

  it('keeps at most one open incident and balanced outages for any sequence', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<CheckOutcome>('up', 'down', 'degraded'), { maxLength: 60 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.boolean(), { maxLength: 60 }),
        (outcomes, confirmations, recoveryConfirmations, maint) => {
          let state = INITIAL_STATE;
          let open = 0;
          let outage = 0;
          outcomes.forEach((o, i) => {
            const t = applyCheck(state, o, i, { confirmations, recoveryConfirmations }, maint[i] ?? false);
            for (const a of t.actions) {
              if (a.type === 'open_incident') open += 1;
              if (a.type === 'resolve_incident') open -= 1;
              if (a.type === 'start_outage') outage += 1;
              if (a.type === 'end_outage') outage -= 1;
              expect(open).toBeGreaterThanOrEqual(0);
              expect(open).toBeLessThanOrEqual(1);
              expect(outage).toBeGreaterThanOrEqual(0);
              expect(outage).toBeLessThanOrEqual(1);
            }
            state = t.state;
            expect(state.incidentOpen).toBe(open === 1);
            expect(state.outageOpen).toBe(outage === 1);
            if (state.outageOpen) expect(state.incidentOpen).toBe(true);
            // without alertOnDegraded every automatic incident is an outage incident
            expect(state.incidentCause).toBe(open === 1 ? 'down' : null);
          });
        },
      ),
    );
  });
});

describe('applyCheck with alertOnDegraded (performance incidents)', () => {
  it('without the option, slow checks never open anything (the default)', () => {
    const { log, state } = run('ggggggg', { confirmations: 2, recoveryConfirmations: 1 });
    expect(log).toEqual([]);
    expect(state.status).toBe('degraded');
    expect(state.incidentOpen).toBe(false);
  });

  it.each([
    ['one slow check does not open with 2 confirmations', 'ug', [], 'degraded'],
    ['opens after two slow checks, from the first slow check', 'ugg', ['open_slow_incident@1000'], 'degraded'],
    ['a fast check in between resets the count', 'ugugu', [], 'up'],
    ['a failure in between resets the slow count too', 'ugdg', [], 'degraded'],
    ['more slow checks open nothing more', 'uggggg', ['open_slow_incident@1000'], 'degraded'],
    ['resolves at the first fast check (recovery 1)', 'uggu', ['open_slow_incident@1000', 'resolve_incident@3000'], 'up'],
  ])('%s', (_name, outcomes, actions, status) => {
    const { state, log } = run(outcomes, slowRules());
    expect(log).toEqual(actions);
    expect(state.status).toBe(status);
  });

  it('never counts slow time as an outage: no outage action for any slow/fast sequence', () => {
    const { log } = run('ggguggggugguuu', slowRules(2, 2));
    expect(log.some((l) => l.includes('outage'))).toBe(false);
  });

  it('resolves only after recovery_confirmations consecutive fast checks; the monitor stays degraded until then', () => {
    const { log, statuses, state } = run('ugguguu', slowRules(2, 2));
    expect(log).toEqual(['open_slow_incident@1000', 'resolve_incident@6000']);
    expect(statuses).toEqual(['up', 'degraded', 'degraded', 'degraded', 'degraded', 'degraded', 'up']);
    expect(state.incidentOpen).toBe(false);
    expect(state.incidentCause).toBeNull();
  });

  it('escalates the open performance incident when the failures are confirmed; the outage starts at the first failure', () => {
    const { log, state, statuses } = run('uggdd', slowRules());
    expect(log).toEqual(['open_slow_incident@1000', 'escalate_incident@4000', 'start_outage@3000']);
    expect(statuses).toEqual(['up', 'degraded', 'degraded', 'degraded', 'down']);
    expect(state).toMatchObject({ incidentOpen: true, incidentCause: 'down', outageOpen: true, status: 'down' });
    // then a fast recovery resolves the one incident and ends the outage
    expect(run('uggddu', slowRules()).log).toEqual(['open_slow_incident@1000', 'escalate_incident@4000', 'start_outage@3000', 'end_outage@5000', 'resolve_incident@5000']);
  });

  it('de-escalates an outage that recovers to merely slow, and resolves it once fast', () => {
    const { log, state } = run('uddg', slowRules());
    expect(log).toEqual(['open_incident@1000', 'start_outage@1000', 'end_outage@3000', 'deescalate_incident@3000']);
    expect(state).toMatchObject({ incidentOpen: true, incidentCause: 'degraded', outageOpen: false, status: 'degraded' });
    expect(run('uddggu', slowRules()).log).toEqual(['open_incident@1000', 'start_outage@1000', 'end_outage@3000', 'deescalate_incident@3000', 'resolve_incident@5000']);
    // without the option the same sequence resolves (degraded counts as recovered)
    expect(run('uddg').log).toEqual(['open_incident@1000', 'start_outage@1000', 'end_outage@3000', 'resolve_incident@3000']);
  });

  it('with recovery 2, an outage recovering through slow and fast checks de-escalates, then needs two fast checks', () => {
    const { log } = run('ddguguu', slowRules(2, 2));
    // d d (open) g (outage ends, 1 success) u (2 successes, 1 fast → de-escalate) g u u (2 fast → resolve)
    expect(log).toEqual(['open_incident@0', 'start_outage@0', 'end_outage@2000', 'deescalate_incident@3000', 'resolve_incident@6000']);
  });

  it('a de-escalated incident needs confirmed failures to escalate again (a single failure is a blip)', () => {
    const { log, statuses } = run('ddgdgdd', slowRules());
    expect(log).toEqual([
      'open_incident@0',
      'start_outage@0',
      'end_outage@2000',
      'deescalate_incident@2000',
      'escalate_incident@6000',
      'start_outage@5000',
    ]);
    expect(statuses[3]).toBe('degraded');
  });

  it('maintenance: opens and escalates nothing inside a window, then acts at the next check after it', () => {
    const during = run('gggg', slowRules(), [true, true, true, true]);
    expect(during.log).toEqual([]);
    expect(during.state.status).toBe('degraded');
    expect(run('ggggg', slowRules(), [true, true, true, false, false]).log).toEqual(['open_slow_incident@0']);
    const esc = run('ggddd', slowRules(), [false, false, true, true, false]);
    expect(esc.log).toEqual(['open_slow_incident@0', 'escalate_incident@4000', 'start_outage@2000']);
    expect(esc.statuses[2]).toBe('down');
    // an open outage may still de-escalate and resolve inside a window (alerts are held back by the dispatcher)
    expect(run('ddgu', slowRules(), [false, false, true, true]).log).toEqual(['open_incident@0', 'start_outage@0', 'end_outage@2000', 'deescalate_incident@2000', 'resolve_incident@3000']);
  });

  it('an unconfirmed failure during a performance incident changes neither the incident nor the status', () => {
    const { log, statuses } = run('ggdg', slowRules());
    expect(log).toEqual(['open_slow_incident@0']);
    expect(statuses).toEqual(['degraded', 'degraded', 'degraded', 'degraded']);
  });

  it('a performance incident left open after the option was turned off resolves at the next success', () => {
    const open = run('gg', slowRules()).state;
    expect(open.incidentCause).toBe('degraded');
    const off = run('g', { confirmations: 2, recoveryConfirmations: 3 }, [], open);
    expect(off.log).toEqual(['resolve_incident@0']);
    expect(off.state.status).toBe('degraded');
    // ...and confirmed failures still escalate it rather than opening a second incident
    expect(run('dd', { confirmations: 2, recoveryConfirmations: 1 }, [], open).log).toEqual(['escalate_incident@1000', 'start_outage@0']);
  });

  it('keeps one automatic incident, outages only while down, and no outage from slow checks, for any sequence and options', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<CheckOutcome>('up', 'down', 'degraded'), { maxLength: 80 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.boolean(), { maxLength: 80 }),
        fc.array(fc.boolean(), { maxLength: 80 }),
        (outcomes, confirmations, recoveryConfirmations, maint, alertFlags) => {
          let state = INITIAL_STATE;
          let open = 0;
          let cause: string | null = null;
          let outage = 0;
          let slowStreak = 0;
          outcomes.forEach((o, i) => {
            const alertOnDegraded = alertFlags[i] ?? true;
            const t = applyCheck(state, o, i, { confirmations, recoveryConfirmations, alertOnDegraded }, maint[i] ?? false);
            for (const a of t.actions) {
              if (a.type === 'open_incident') {
                expect(open).toBe(0);
                open += 1;
                cause = a.cause;
                if (a.cause === 'degraded') {
                  expect(o).toBe('degraded');
                  expect(alertOnDegraded).toBe(true);
                }
              }
              if (a.type === 'escalate_incident') {
                expect(cause).toBe('degraded');
                cause = 'down';
              }
              if (a.type === 'deescalate_incident') {
                expect(cause).toBe('down');
                expect(alertOnDegraded).toBe(true);
                cause = 'degraded';
              }
              if (a.type === 'resolve_incident') {
                expect(open).toBe(1);
                open -= 1;
                cause = null;
              }
              if (a.type === 'start_outage') {
                // downtime comes from failing checks only, never from slow ones
                expect(o).toBe('down');
                outage += 1;
              }
              if (a.type === 'end_outage') outage -= 1;
              expect(open).toBeGreaterThanOrEqual(0);
              expect(open).toBeLessThanOrEqual(1);
              expect(outage).toBeGreaterThanOrEqual(0);
              expect(outage).toBeLessThanOrEqual(1);
            }
            state = t.state;
            slowStreak = o === 'degraded' ? slowStreak + 1 : 0;
            expect(state.incidentOpen).toBe(open === 1);
            expect(state.incidentCause).toBe(cause);
            expect(state.outageOpen).toBe(outage === 1);
            if (state.outageOpen) expect(state.incidentCause).toBe('down');
            expect(state.consecutiveDegraded).toBe(slowStreak);
            // a performance incident shows the monitor as degraded (unless a check fails meanwhile)
            if (state.incidentCause === 'degraded' && o !== 'down') expect(state.status).toBe('degraded');
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('performance incident wording and severity', () => {
  it('titles a slow monitor with the measured time and its threshold, digits grouped', () => {
    expect(slowIncidentTitle('api.example.com', 2340, 1000)).toBe('api.example.com is slow: 2,340 ms (threshold 1,000 ms)');
    expect(slowIncidentTitle('API', 987.6, 500)).toBe('API is slow: 988 ms (threshold 500 ms)');
    expect(slowIncidentTitle('API', null, null)).toBe('API is slow');
    expect(formatResponseTime(1234567)).toBe('1,234,567 ms');
  });

  it('a performance incident is minor; an outage takes the monitor severity; escalation never lowers', () => {
    expect(incidentSeverity('auto', 'critical', 'degraded')).toBe('minor');
    expect(incidentSeverity('auto', 'major', 'down')).toBe('major');
    expect(incidentSeverity('auto', null)).toBe('critical');
    expect(incidentSeverity('certificate', 'critical')).toBe('minor');
    expect(moreSevere('minor', 'critical')).toBe('critical');
    expect(moreSevere('critical', 'major')).toBe('critical');
  });
});

describe('certificateAction', () => {
  it.each([
    [3, 14, false, false, 'open'],
    [3, 14, true, false, null],
    [30, 14, true, false, 'resolve'],
    [30, 14, false, false, null],
    [null, 14, true, false, null],
    [3, null, false, false, null],
    [3, 14, false, true, null],
    [14, 14, false, false, 'open'],
  ])('days %s threshold %s open %s maintenance %s → %s', (days, threshold, open, maint, expected) => {
    expect(certificateAction(days, threshold, open, maint)).toBe(expected);
  });
});
