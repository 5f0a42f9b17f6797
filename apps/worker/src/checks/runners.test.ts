import { MonitorType } from '@sentrypulse/shared';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { CHECK_RUNNERS } from './index';

// Compile-time half: `pnpm typecheck` fails when the record's keys and the enum drift apart.
expectTypeOf<keyof typeof CHECK_RUNNERS>().toEqualTypeOf<MonitorType>();

describe('CHECK_RUNNERS', () => {
  it('has a runner for exactly the monitor types of the contract', () => {
    expect(Object.keys(CHECK_RUNNERS).sort()).toEqual([...MonitorType.options].sort());
  });
});
