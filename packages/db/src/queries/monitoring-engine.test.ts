import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing';
import { applyCheckResults, type CheckOutcomeInput } from './monitoring-engine';

let t: TestDatabase;
let teamId: number;
beforeAll(async () => {
  t = await createTestDatabase('moneng');
  const u = await t.db.insertInto('users').values({ name: 'a', email: 'a@example.com', password_hash: 'x' }).executeTakeFirstOrThrow();
  teamId = Number((await t.db.insertInto('teams').values({ name: 't', owner_id: Number(u.insertId) }).executeTakeFirstOrThrow()).insertId);
});
afterAll(() => t.drop());

async function monitor(values: Record<string, unknown> = {}) {
  const res = await t.db
    .insertInto('monitors')
    .values({ team_id: teamId, name: 'm', type: 'http', url: 'http://x.test', interval_seconds: 30, timeout_ms: 5000, confirmations: 2, ...values } as never)
    .executeTakeFirstOrThrow();
  return Number(res.insertId);
}

const T0 = Date.parse('2026-05-01T10:00:00Z');
function result(monitorId: number, slot: number, status: 'up' | 'down' | 'degraded'): CheckOutcomeInput {
  const at = new Date(T0 + slot * 30_000);
  return {
    monitor_id: monitorId,
    scheduled_at: at,
    checked_at: new Date(at.getTime() + 5),
    status,
    status_code: status === 'down' ? 503 : 200,
    response_time_ms: status === 'down' ? null : 120,
    timings: { dns: 1, connect: 2, tls: null, ttfb: 100 },
    error: status === 'down' ? 'expected status 200-299, got 503' : null,
    cert_expires_at: null,
    cert_days_left: null,
  };
}

const incidents = (id: number) => t.db.selectFrom('incidents').selectAll().where('monitor_id', '=', id).orderBy('id').execute();

describe('applyCheckResults', () => {
  it('applies a whole lifecycle in one batch, in slot order whatever the arrival order', async () => {
    const id = await monitor();
    const res = await applyCheckResults(t.db, [result(id, 3, 'up'), result(id, 1, 'down'), result(id, 0, 'up'), result(id, 2, 'down')]);
    expect(res.applied).toBe(4);
    const [inc] = await incidents(id);
    expect(inc).toMatchObject({ status: 'resolved', kind: 'auto' });
    expect(inc!.started_at.getTime()).toBe(T0 + 30_000 + 5);
    expect(inc!.resolved_at!.getTime()).toBe(T0 + 90_000 + 5);
    expect(res.eventIds).toHaveLength(2);
    const m = await t.db.selectFrom('monitors').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(m).toMatchObject({ status: 'up', consecutive_failures: 0, consecutive_successes: 1, last_response_time_ms: 120 });
    const daily = await t.db.selectFrom('monitor_daily').selectAll().where('monitor_id', '=', id).executeTakeFirstOrThrow();
    expect(daily).toMatchObject({ checks: 4, up_checks: 2, down_checks: 2, avg_response_time_ms: 120 });
  });

  it('ignores a replayed result (same or older slot) and results of paused or deleted monitors', async () => {
    const id = await monitor();
    await applyCheckResults(t.db, [result(id, 5, 'up')]);
    const replay = await applyCheckResults(t.db, [result(id, 5, 'up'), result(id, 4, 'down')]);
    expect(replay).toMatchObject({ applied: 0, skipped: 2 });
    const paused = await monitor({ enabled: false, status: 'paused' });
    expect((await applyCheckResults(t.db, [result(paused, 1, 'down')])).applied).toBe(0);
    expect((await applyCheckResults(t.db, [result(999_999, 1, 'down')])).skipped).toBe(1);
    const rows = await t.db.selectFrom('monitor_checks').select('id').where('monitor_id', 'in', [id, paused]).execute();
    expect(rows).toHaveLength(1);
  });

  it('resolves an incident that is still open after a pause and resume (monitor back to pending)', async () => {
    const id = await monitor({ confirmations: 1 });
    await applyCheckResults(t.db, [result(id, 0, 'down')]);
    await t.db.updateTable('monitors').set({ status: 'pending', consecutive_failures: 0, failing_since: null }).where('id', '=', id).execute();
    await applyCheckResults(t.db, [result(id, 10, 'up')]);
    const [inc] = await incidents(id);
    expect(inc!.status).toBe('resolved');
    const outage = await t.db.selectFrom('monitor_outages').selectAll().where('monitor_id', '=', id).executeTakeFirstOrThrow();
    expect(outage.ended_at).not.toBeNull();
  });

  it('opens exactly one incident when two workers apply failures for the same monitor at once', async () => {
    const id = await monitor({ confirmations: 1 });
    await Promise.all([applyCheckResults(t.db, [result(id, 1, 'down')]), applyCheckResults(t.db, [result(id, 2, 'down')]), applyCheckResults(t.db, [result(id, 3, 'down')])]);
    const rows = await incidents(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('investigating');
  });
});
