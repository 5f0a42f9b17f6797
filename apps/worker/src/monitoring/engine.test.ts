import { sql, statusPagesVersionKey } from '@sentrypulse/db';
import { incidentEventJob, jobIdOf, QUEUES, syncMonitorSchedule, monitorSchedulerId } from '@sentrypulse/jobs';
import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import { loadConfig } from '@sentrypulse/shared/config';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../checks';
import { closeWorkerContext, createWorkerContext, type WorkerContext } from '../context';
import { producerFor } from '../jobs';
import type { RunningModule } from '../module';
import { refreshAllUptime, rollupDays } from './housekeeping';
import { monitoringModule } from './module';
import { createTeam, insertMonitor, switchableTarget, waitFor } from './test-support';

let database: TestDatabase;
let prefix: string;
const contexts: WorkerContext[] = [];
const running: RunningModule[] = [];
let teamId: number;

function newContext() {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    REDIS_PREFIX: prefix,
    OUTBOUND_ALLOW_PRIVATE: 'true',
    LOG_LEVEL: 'silent',
  });
  const ctx = createWorkerContext(config, pino({ level: 'silent' }));
  contexts.push(ctx);
  return ctx;
}

/** A worker module in this process; `runs` counts the checks it ran (the real runner does the work). */
async function startWorker() {
  const ctx = newContext();
  const counter = { runs: 0 };
  const mod = await monitoringModule({
    concurrency: 50,
    housekeeping: false,
    runCheck: (target, opts) => {
      counter.runs += 1;
      return runCheck(target, opts);
    },
  }).start(ctx);
  running.push(mod);
  return { ctx, mod, counter };
}

beforeAll(async () => {
  database = await createTestDatabase('moneng');
  prefix = `sptest:${randomBytes(4).toString('hex')}`;
  teamId = await createTeam(database.db);
});

afterAll(async () => {
  for (const m of running.reverse()) await m.close().catch(() => undefined);
  for (const c of contexts) await closeWorkerContext(c).catch(() => undefined);
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.unlink(...keys);
  redis.disconnect();
  await database.drop();
});

async function schedule(ctx: WorkerContext, id: number) {
  const jobs = producerFor(ctx);
  await syncMonitorSchedule(jobs, { id, enabled: true, interval_seconds: 1 });
  await jobs.close();
}

/**
 * "No more checks", without a fixed sleep: waits until each monitor's scheduler has started a run
 * due after `since` (its next run moves on when one starts) and the checks queue has nothing
 * waiting or active, so every run that read the monitor before the change has stored its check.
 */
async function settled(ctx: WorkerContext, ids: number[], since: number) {
  const producer = producerFor(ctx);
  const q = producer.queue(QUEUES.checks);
  try {
    await waitFor(async () => {
      for (const id of ids) if (((await q.getJobScheduler(monitorSchedulerId(id)))?.next ?? 0) <= since + 1_000) return false;
      const counts = await q.getJobCounts('waiting', 'active', 'prioritized');
      return Object.values(counts).every((n) => n === 0);
    }, 10_000, 50);
  } finally {
    await producer.close();
  }
}

/** Disables the monitors and returns once no check of theirs can still be stored. */
async function stopChecks(ctx: WorkerContext, ids: number[]) {
  await database.db.updateTable('monitors').set({ enabled: false }).where('id', 'in', ids).execute();
  await settled(ctx, ids, Date.now());
}

const checkCount = async (id: number) => Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM monitor_checks WHERE monitor_id = ${id}`.execute(database.db)).rows[0]!.n);

const incidentsOf = (id: number) => database.db.selectFrom('incidents').selectAll().where('monitor_id', '=', id).orderBy('id').execute();

describe('monitoring engine with one worker', () => {
  it('runs an up → down → up lifecycle: one incident after the confirmations, outage from the first failure, events queued', async () => {
    const { ctx } = await startWorker();
    const target = await switchableTarget();
    const id = await insertMonitor(database.db, teamId, { url: target.url, confirmations: 2, keyword: 'OK' });
    await schedule(ctx, id);

    await waitFor(async () => (await database.db.selectFrom('monitors').select('status').where('id', '=', id).executeTakeFirst())?.status === 'up');
    const versionKey = statusPagesVersionKey(prefix, teamId);
    // pending → up already bumped it once; wait for that bump so only the outage's can pass below
    const versionBefore = await waitFor(async () => Number(await ctx.redis.get(versionKey)) || null, 5_000);
    target.mode = 'fail';
    const [incident] = await waitFor(async () => {
      const rows = await incidentsOf(id);
      return rows.length > 0 ? rows : null;
    });
    expect(incident!.kind).toBe('auto');
    expect(incident!.severity).toBe('critical');
    const failures = await database.db.selectFrom('monitor_checks').selectAll().where('monitor_id', '=', id).where('status', '=', 'down').orderBy('checked_at').execute();
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures[0]!.error).toMatch(/500/);
    // downtime starts at the first failing check, not at the confirming one
    expect(incident!.started_at.getTime()).toBe(failures[0]!.checked_at.getTime());
    // the team's status pages are marked stale right after the commit that opened the incident
    // (the bump follows the commit, so it may land a moment after the rows are visible)
    const bumped = await waitFor(async () => Number(await ctx.redis.get(versionKey)) > versionBefore, 5_000);
    expect(bumped).toBe(true);

    target.mode = 'ok';
    await waitFor(async () => (await incidentsOf(id))[0]!.status === 'resolved');
    const [resolved] = await incidentsOf(id);
    const outages = await database.db.selectFrom('monitor_outages').selectAll().where('monitor_id', '=', id).execute();
    expect(outages).toHaveLength(1);
    expect(outages[0]!.started_at.getTime()).toBe(failures[0]!.checked_at.getTime());
    expect(outages[0]!.ended_at!.getTime()).toBe(resolved!.resolved_at!.getTime());
    const firstUp = await database.db.selectFrom('monitor_checks').select('checked_at').where('monitor_id', '=', id).where('status', '=', 'up').where('checked_at', '>', failures[0]!.checked_at).orderBy('checked_at').executeTakeFirstOrThrow();
    expect(outages[0]!.ended_at!.getTime()).toBe(firstUp.checked_at.getTime());

    const events = await database.db.selectFrom('incident_events').selectAll().where('incident_id', '=', resolved!.id).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['incident.opened', 'incident.resolved']);
    expect(events.every((e) => e.queued_at !== null)).toBe(true);
    const jobs = producerFor(ctx);
    for (const e of events) {
      const job = await jobs.queue(QUEUES.notify).getJob(await jobIdOf(jobs, incidentEventJob, { event_id: Number(e.id) }));
      expect(job?.name).toBe(incidentEventJob.name);
      expect(job?.data).toEqual({ event_id: Number(e.id) });
    }
    await jobs.close();
    const updates = await database.db.selectFrom('incident_updates').select('status').where('incident_id', '=', resolved!.id).orderBy('id').execute();
    expect(updates.map((u) => u.status)).toEqual(['investigating', 'resolved']);
    // the day's live counters agree with the raw checks (once no check can still arrive)
    await stopChecks(ctx, [id]);
    const raw = await sql<{ status: string; n: number }>`SELECT status, COUNT(*) AS n FROM monitor_checks WHERE monitor_id = ${id} GROUP BY status`.execute(database.db);
    const counts = Object.fromEntries(raw.rows.map((r) => [r.status, Number(r.n)]));
    const daily = await database.db.selectFrom('monitor_daily').selectAll().where('monitor_id', '=', id).execute();
    expect(daily.reduce((n, d) => n + d.down_checks, 0)).toBe(counts.down ?? 0);
    expect(daily.reduce((n, d) => n + d.up_checks, 0)).toBe(counts.up ?? 0);
    // and none arrived later: a run that slipped past the pause would show here
    const total = await checkCount(id);
    await settled(ctx, [id], Date.now());
    expect(await checkCount(id)).toBe(total);
    await target.close();
  }, 40_000);

  it('opens no incident while the monitor is in a maintenance window', async () => {
    const { ctx } = await startWorker();
    const target = await switchableTarget();
    target.mode = 'fail';
    const id = await insertMonitor(database.db, teamId, { url: target.url, confirmations: 1 });
    const w = await database.db
      .insertInto('maintenance_windows')
      .values({ team_id: teamId, title: 'db upgrade', starts_at: new Date(Date.now() - 60_000), ends_at: new Date(Date.now() + 3_600_000) })
      .executeTakeFirstOrThrow();
    await database.db.insertInto('maintenance_monitors').values({ maintenance_id: Number(w.insertId), monitor_id: id, team_id: teamId }).execute();
    await schedule(ctx, id);
    await waitFor(async () => {
      const r = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM monitor_checks WHERE monitor_id = ${id} AND status = 'down'`.execute(database.db);
      return Number(r.rows[0]!.n) >= 3;
    });
    expect(await incidentsOf(id)).toHaveLength(0);
    expect((await database.db.selectFrom('monitors').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('down');
    // the window ends: the next failing check opens the incident at once
    await database.db.updateTable('maintenance_windows').set({ ends_at: new Date() }).where('id', '=', Number(w.insertId)).execute();
    await waitFor(async () => (await incidentsOf(id)).length === 1);
    await database.db.updateTable('monitors').set({ enabled: false }).where('id', '=', id).execute();
    await target.close();
  }, 30_000);

  it('marks a slow answer degraded, which is not an outage', async () => {
    const { ctx } = await startWorker();
    const target = await switchableTarget();
    target.mode = 'slow';
    const id = await insertMonitor(database.db, teamId, { url: target.url, degraded_threshold_ms: 100 });
    await schedule(ctx, id);
    await waitFor(async () => (await database.db.selectFrom('monitors').select('status').where('id', '=', id).executeTakeFirst())?.status === 'degraded');
    const checks = await database.db.selectFrom('monitor_checks').selectAll().where('monitor_id', '=', id).execute();
    expect(checks[0]!.status).toBe('degraded');
    expect(checks[0]!.response_time_ms).toBeGreaterThanOrEqual(250);
    expect(await incidentsOf(id)).toHaveLength(0);
    await database.db.updateTable('monitors').set({ enabled: false }).where('id', '=', id).execute();
    await target.close();
  }, 30_000);
});

describe('performance incidents (alert_on_degraded)', () => {
  it('a really slow target opens one minor incident after the confirmations and resolves once fast again; no downtime is counted', async () => {
    const { ctx } = await startWorker();
    const target = await switchableTarget();
    const id = await insertMonitor(database.db, teamId, { name: 'api.example.com', url: target.url, degraded_threshold_ms: 100, alert_on_degraded: true, confirmations: 2, recovery_confirmations: 2 });
    await schedule(ctx, id);
    await waitFor(async () => (await database.db.selectFrom('monitors').select('status').where('id', '=', id).executeTakeFirst())?.status === 'up');

    target.mode = 'slow'; // answers 200 after 300 ms: over the 100 ms threshold
    const [incident] = await waitFor(async () => {
      const rows = await incidentsOf(id);
      return rows.length > 0 ? rows : null;
    });
    expect(incident).toMatchObject({ kind: 'auto', cause: 'degraded', severity: 'minor', status: 'investigating' });
    expect(incident!.title).toMatch(/^api\.example\.com is slow: \d{3,} ms \(threshold 100 ms\)$/);
    const slowChecks = await database.db.selectFrom('monitor_checks').selectAll().where('monitor_id', '=', id).where('status', '=', 'degraded').orderBy('checked_at').execute();
    expect(slowChecks.length).toBeGreaterThanOrEqual(2);
    expect(slowChecks[0]!.response_time_ms).toBeGreaterThanOrEqual(250);
    // the incident starts at the first slow check of the streak, like an outage at its first failure
    expect(incident!.started_at.getTime()).toBe(slowChecks[0]!.checked_at.getTime());
    expect((await database.db.selectFrom('monitors').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('degraded');

    // more slow checks: still the one incident
    await waitFor(async () => (await database.db.selectFrom('monitor_checks').select('id').where('monitor_id', '=', id).where('status', '=', 'degraded').execute()).length >= slowChecks.length + 2);
    expect(await incidentsOf(id)).toHaveLength(1);

    target.mode = 'ok';
    await waitFor(async () => (await incidentsOf(id))[0]!.status === 'resolved');
    const [resolved] = await incidentsOf(id);
    // resolved at the second fast check in a row (recovery_confirmations 2)
    const fast = await database.db.selectFrom('monitor_checks').select(['checked_at', 'status']).where('monitor_id', '=', id).where('checked_at', '>', slowChecks[0]!.checked_at).where('status', '=', 'up').orderBy('checked_at').limit(2).execute();
    expect(resolved!.resolved_at!.getTime()).toBe(fast[1]!.checked_at.getTime());
    expect((await database.db.selectFrom('monitors').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('up');
    const events = await database.db.selectFrom('incident_events').selectAll().where('incident_id', '=', resolved!.id).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['incident.opened', 'incident.resolved']);
    expect(events.every((e) => e.queued_at !== null)).toBe(true);
    await stopChecks(ctx, [id]);
    const total = await checkCount(id);

    // slow is not down: no outage, 100 % uptime, no downtime seconds in the day's rollup
    expect(await database.db.selectFrom('monitor_outages').select('id').where('monitor_id', '=', id).execute()).toEqual([]);
    await refreshAllUptime(database.db);
    expect(Number((await database.db.selectFrom('monitors').select('uptime_percentage').where('id', '=', id).executeTakeFirstOrThrow()).uptime_percentage)).toBe(100);
    await rollupDays(database.db, [new Date().toISOString().slice(0, 10)]);
    const daily = await database.db.selectFrom('monitor_daily').selectAll().where('monitor_id', '=', id).execute();
    expect(daily.reduce((n, d) => n + d.downtime_seconds, 0)).toBe(0);
    expect(daily.reduce((n, d) => n + d.degraded_checks, 0)).toBeGreaterThanOrEqual(4);
    expect(daily.every((d) => d.uptime === null || Number(d.uptime) === 100)).toBe(true);
    expect(await checkCount(id)).toBe(total);
    await target.close();
  }, 40_000);
});

describe('changes take effect at the next tick', () => {
  it('an edited URL is used by the next check; a paused monitor gets no more checks', async () => {
    const { ctx } = await startWorker();
    const bad = await switchableTarget();
    bad.mode = 'fail';
    const good = await switchableTarget();
    const id = await insertMonitor(database.db, teamId, { url: bad.url, confirmations: 5 });
    await schedule(ctx, id);
    await waitFor(async () => (await database.db.selectFrom('monitor_checks').select('id').where('monitor_id', '=', id).execute()).length > 0);
    await database.db.updateTable('monitors').set({ url: good.url }).where('id', '=', id).execute();
    const editedAt = new Date();
    await waitFor(async () => {
      const row = await database.db.selectFrom('monitor_checks').select('status').where('monitor_id', '=', id).where('checked_at', '>', editedAt).executeTakeFirst();
      return row?.status === 'up';
    });
    expect(good.hits).toBeGreaterThan(0);

    // pause: the worker drops the scheduler's next run (and the API removes the scheduler)
    await database.db.updateTable('monitors').set({ enabled: false, status: 'paused' }).where('id', '=', id).execute();
    const count = async () => (await database.db.selectFrom('monitor_checks').select('id').where('monitor_id', '=', id).execute()).length;
    // Instead of sleeping: wait until the scheduler has started runs that were due after the pause
    // (its next run moves on when one starts) and none is still active, so those runs were
    // processed and dropped; a check they stored would show in the count.
    const producer = producerFor(ctx);
    const q = producer.queue(QUEUES.checks);
    const settledAfter = async (since: number) =>
      ((await q.getJobScheduler(monitorSchedulerId(id)))?.next ?? 0) > since + 1_000 && (await q.getActiveCount()) === 0;
    const pausedAt = Date.now();
    await waitFor(() => settledAfter(pausedAt), 10_000, 50);
    const before = await count();
    const afterFirst = Date.now();
    await waitFor(() => settledAfter(afterFirst + 1_000), 10_000, 50);
    await producer.close();
    expect(await count()).toBe(before);
    expect((await database.db.selectFrom('monitors').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('paused');
    await bad.close();
    await good.close();
  }, 30_000);
});

describe('two workers', () => {
  it('share the checks without running any due check twice', async () => {
    const a = await startWorker();
    const b = await startWorker();
    const target = await switchableTarget();
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) ids.push(await insertMonitor(database.db, teamId, { url: target.url, name: `m${i}` }));
    for (const id of ids) await schedule(a.ctx, id);
    // until every monitor has had a few ticks and both workers took some (bounded), then stop and
    // let every started run finish, so a check run twice is in the counts below
    await waitFor(async () => {
      const r = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM (SELECT monitor_id FROM monitor_checks WHERE monitor_id IN (${sql.join(ids)}) GROUP BY monitor_id HAVING COUNT(*) >= 3) m`.execute(database.db);
      return Number(r.rows[0]!.n) === ids.length && a.counter.runs > 0 && b.counter.runs > 0;
    }, 20_000, 100);
    await stopChecks(a.ctx, ids);
    const rows = await sql<{ monitor_id: number; n: number; slots: number; span_ms: number }>`
      SELECT monitor_id, COUNT(*) AS n, COUNT(DISTINCT scheduled_at) AS slots,
        TIMESTAMPDIFF(MICROSECOND, MIN(scheduled_at), MAX(scheduled_at)) / 1000 AS span_ms
      FROM monitor_checks WHERE monitor_id IN (${sql.join(ids)}) GROUP BY monitor_id`.execute(database.db);
    expect(rows.rows).toHaveLength(20);
    for (const r of rows.rows) {
      expect(Number(r.n)).toBe(Number(r.slots));
      // at most one check per 1 s slot between the first and the last one
      expect(Number(r.n)).toBeGreaterThanOrEqual(2);
      expect(Number(r.n)).toBeLessThanOrEqual(Math.round(Number(r.span_ms) / 1000) + 1);
    }
    // both workers took a share of the checks
    expect(a.counter.runs).toBeGreaterThan(0);
    expect(b.counter.runs).toBeGreaterThan(0);
    // every recorded check reached the target
    expect(target.hits).toBeGreaterThanOrEqual(rows.rows.reduce((s, r) => s + Number(r.n), 0));
    await target.close();
  }, 30_000);
});
