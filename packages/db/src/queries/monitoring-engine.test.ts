import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing';
import { checkBatchDecision } from '@sentrypulse/shared';
import type { Db } from '../connection';
import { applyCheckResults as applyWith, type CheckOutcomeInput } from './monitoring-engine';

// The whole load → decide → write path, with the decision the worker hands over.
const applyCheckResults = (db: Db, results: CheckOutcomeInput[]) => applyWith(db, results, checkBatchDecision);

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
function result(monitorId: number, slot: number, status: 'up' | 'down' | 'degraded', responseTimeMs?: number): CheckOutcomeInput {
  const at = new Date(T0 + slot * 30_000);
  return {
    monitor_id: monitorId,
    scheduled_at: at,
    checked_at: new Date(at.getTime() + 5),
    status,
    status_code: status === 'down' ? 503 : 200,
    response_time_ms: status === 'down' ? null : (responseTimeMs ?? (status === 'degraded' ? 2340 : 120)),
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

  it('performance incidents: open after the slow confirmations, escalate to an outage, de-escalate, resolve when fast; one row, no downtime while slow', async () => {
    const id = await monitor({ name: 'api.example.com', degraded_threshold_ms: 1000, alert_on_degraded: true, confirmations: 2, recovery_confirmations: 1 });
    const slow = await applyCheckResults(t.db, [result(id, 0, 'up'), result(id, 1, 'degraded'), result(id, 2, 'degraded')]);
    let [inc] = await incidents(id);
    expect(inc).toMatchObject({ kind: 'auto', cause: 'degraded', severity: 'minor', status: 'investigating', title: 'api.example.com is slow: 2,340 ms (threshold 1,000 ms)' });
    expect(inc!.started_at.getTime()).toBe(T0 + 30_000 + 5);
    expect(slow.eventIds).toHaveLength(1);
    let m = await t.db.selectFrom('monitors').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(m).toMatchObject({ status: 'degraded', consecutive_degraded: 2, consecutive_fast: 0 });
    expect(m.degraded_since!.getTime()).toBe(T0 + 30_000 + 5);

    // confirmed failures escalate the same incident; the outage starts at the first failing check
    const down = await applyCheckResults(t.db, [result(id, 3, 'down'), result(id, 4, 'down')]);
    expect(await incidents(id)).toHaveLength(1);
    [inc] = await incidents(id);
    expect(inc).toMatchObject({ cause: 'down', severity: 'critical', title: 'api.example.com is down', status: 'investigating' });
    const outage = await t.db.selectFrom('monitor_outages').selectAll().where('monitor_id', '=', id).executeTakeFirstOrThrow();
    expect(outage.started_at.getTime()).toBe(T0 + 90_000 + 5);
    expect(outage.incident_id).toBe(inc!.id);
    expect(down.eventIds).toHaveLength(1);

    // answering again but slowly: the outage ends, the incident de-escalates
    await applyCheckResults(t.db, [result(id, 5, 'degraded', 1800)]);
    [inc] = await incidents(id);
    expect(inc).toMatchObject({ cause: 'degraded', severity: 'minor', title: 'api.example.com is slow: 1,800 ms (threshold 1,000 ms)', status: 'investigating' });
    const ended = await t.db.selectFrom('monitor_outages').selectAll().where('monitor_id', '=', id).executeTakeFirstOrThrow();
    expect(ended.ended_at!.getTime()).toBe(T0 + 150_000 + 5);

    // fast again: resolved
    await applyCheckResults(t.db, [result(id, 6, 'up'), result(id, 7, 'up')]);
    [inc] = await incidents(id);
    expect(inc).toMatchObject({ status: 'resolved', cause: 'degraded' });
    expect(inc!.resolved_at!.getTime()).toBe(T0 + 180_000 + 5);
    m = await t.db.selectFrom('monitors').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(m).toMatchObject({ status: 'up', consecutive_degraded: 0, consecutive_fast: 2, degraded_since: null });

    const events = await t.db.selectFrom('incident_events').select('type').where('incident_id', '=', inc!.id).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['incident.opened', 'incident.updated', 'incident.updated', 'incident.resolved']);
    const updates = await t.db.selectFrom('incident_updates').select(['status', 'message']).where('incident_id', '=', inc!.id).orderBy('id').execute();
    expect(updates.map((u) => u.status)).toEqual(['investigating', 'investigating', 'investigating', 'resolved']);
    expect(updates[0]!.message).toMatch(/Slow for 2 checks in a row: 2,340 ms \(threshold 1,000 ms\)/);
    expect(updates[1]!.message).toMatch(/Escalated to an outage: expected status 200-299, got 503\. Downtime is counted from 2026-05-01T10:01:30.005Z/);
    expect(updates[2]!.message).toMatch(/Answering again, but slowly: 1,800 ms/);
    expect(updates[3]!.message).toBe('Fast again: the check answered in 120 ms, under the 1,000 ms threshold.');
    // the only downtime is the escalated part: one outage of two check intervals
    const outages = await t.db.selectFrom('monitor_outages').selectAll().where('monitor_id', '=', id).execute();
    expect(outages).toHaveLength(1);
    expect(outages[0]!.ended_at!.getTime() - outages[0]!.started_at.getTime()).toBe(60_000);
  });

  it('slow checks without alert_on_degraded open nothing; with it, nothing opens inside a maintenance window', async () => {
    const plain = await monitor({ degraded_threshold_ms: 1000, confirmations: 1 });
    await applyCheckResults(t.db, [result(plain, 0, 'degraded'), result(plain, 1, 'degraded'), result(plain, 2, 'degraded')]);
    expect(await incidents(plain)).toHaveLength(0);
    expect((await t.db.selectFrom('monitors').select('status').where('id', '=', plain).executeTakeFirstOrThrow()).status).toBe('degraded');

    const held = await monitor({ degraded_threshold_ms: 1000, confirmations: 1, alert_on_degraded: true });
    const w = await t.db
      .insertInto('maintenance_windows')
      .values({ team_id: teamId, title: 'cache rebuild', starts_at: new Date(Date.now() - 60_000), ends_at: new Date(Date.now() + 3_600_000) })
      .executeTakeFirstOrThrow();
    await t.db.insertInto('maintenance_monitors').values({ maintenance_id: Number(w.insertId), monitor_id: held, team_id: teamId }).execute();
    await applyCheckResults(t.db, [result(held, 0, 'degraded'), result(held, 1, 'degraded')]);
    expect(await incidents(held)).toHaveLength(0);
    await t.db.updateTable('maintenance_windows').set({ ends_at: new Date(Date.now() - 1) }).where('id', '=', Number(w.insertId)).execute();
    await applyCheckResults(t.db, [result(held, 2, 'degraded')]);
    const [inc] = await incidents(held);
    // from the first slow check of the streak, as an outage would
    expect(inc).toMatchObject({ cause: 'degraded', status: 'investigating' });
    expect(inc!.started_at.getTime()).toBe(T0 + 5);
  });

  it('a performance incident left open when alert_on_degraded is turned off resolves at the next success', async () => {
    const id = await monitor({ degraded_threshold_ms: 1000, confirmations: 1, alert_on_degraded: true, recovery_confirmations: 3 });
    await applyCheckResults(t.db, [result(id, 0, 'degraded')]);
    expect((await incidents(id))[0]).toMatchObject({ cause: 'degraded', status: 'investigating' });
    await t.db.updateTable('monitors').set({ alert_on_degraded: false }).where('id', '=', id).execute();
    await applyCheckResults(t.db, [result(id, 1, 'degraded')]);
    expect((await incidents(id))[0]).toMatchObject({ status: 'resolved' });
  });
});
