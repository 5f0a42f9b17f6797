import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyCheck, certificateAction, INITIAL_STATE, type CheckOutcome, type RuntimeState } from './incident-engine';

function run(outcomes: string, rules = { confirmations: 2, recoveryConfirmations: 1 }, maintenance: boolean[] = []) {
  let state: RuntimeState = INITIAL_STATE;
  const log: string[] = [];
  [...outcomes].forEach((c, i) => {
    const outcome: CheckOutcome = c === 'u' ? 'up' : c === 'd' ? 'down' : 'degraded';
    const t = applyCheck(state, outcome, i * 1000, rules, maintenance[i] ?? false);
    state = t.state;
    for (const a of t.actions) log.push(`${a.type}@${'startedAt' in a ? a.startedAt : a.at}`);
  });
  return { state, log };
}

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
          });
        },
      ),
    );
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
