import { BreakdownProperty, MonitorType } from '@sentrypulse/shared';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { BREAKDOWN_METRIC } from '../components/analytics/breakdown-card';
import { TYPE_BODY } from '../components/monitors/monitor-form-model';
import { TARGET_LINE } from '../components/monitors/monitor-status';

// Compile-time half: `pnpm typecheck` fails when a record's keys and its enum drift apart.
expectTypeOf<keyof typeof TARGET_LINE>().toEqualTypeOf<MonitorType>();
expectTypeOf<keyof typeof TYPE_BODY>().toEqualTypeOf<MonitorType>();
expectTypeOf<keyof typeof BREAKDOWN_METRIC>().toEqualTypeOf<BreakdownProperty>();

describe('records keyed by the shared enums', () => {
  it.each([
    ['TARGET_LINE', TARGET_LINE],
    ['TYPE_BODY', TYPE_BODY],
  ])('%s has exactly the monitor types', (_name, record) => {
    expect(Object.keys(record).sort()).toEqual([...MonitorType.options].sort());
  });

  it('BREAKDOWN_METRIC has exactly the breakdown properties, events only for events', () => {
    expect(Object.keys(BREAKDOWN_METRIC).sort()).toEqual([...BreakdownProperty.options].sort());
    expect(Object.entries(BREAKDOWN_METRIC).filter(([, m]) => m === 'events').map(([p]) => p)).toEqual(['event', 'event_prop']);
  });
});
