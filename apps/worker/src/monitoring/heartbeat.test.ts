import { describe, expect, it } from 'vitest';
import { evaluateHeartbeat } from './heartbeat';

const created = new Date(0);
const base = { interval_seconds: 60, heartbeat_grace_seconds: 30, created_at: created };

describe('evaluateHeartbeat', () => {
  it.each([
    ['no ping yet, inside the first period', null, 60_000, null],
    ['no ping after the first period is down', null, 91_000, 'down'],
    ['ping within interval + grace is up', new Date(100_000), 189_000, 'up'],
    ['exactly at the deadline is still up', new Date(100_000), 190_000, 'up'],
    ['late ping is down', new Date(100_000), 190_001, 'down'],
  ])('%s', (_name, last, now, expected) => {
    const v = evaluateHeartbeat({ ...base, last_heartbeat_at: last }, now);
    expect(v?.status ?? null).toBe(expected);
    if (expected === 'down') expect(v!.error).toMatch(/heartbeat/);
  });
});
