import { sql } from '@sentrypulse/db';
import { bullPrefix, JobProducer, QUEUES, syncMonitorSchedule } from '@sentrypulse/jobs';
import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnWorkerScript, workerMainEnv } from '../../test/child-worker';
import { createTeam, insertMonitor, switchableTarget, waitFor } from './test-support';

/**
 * Real worker processes (`tsx src/main.ts`), as deployed: two share the checks, one is killed with
 * SIGKILL mid-run and a new one takes over; no monitor is left unchecked, no check runs twice,
 * no incident is duplicated.
 */
let database: TestDatabase;
const prefix = `sptest:${randomBytes(4).toString('hex')}`;
const children: ChildProcess[] = [];

/** Starts `tsx src/main.ts`; resolves once the process logged that it runs (signal handlers installed). */
async function startWorker(): Promise<ChildProcess> {
  const child = spawnWorkerScript(
    'src/main.ts',
    workerMainEnv(database.url, prefix, {
      OUTBOUND_ALLOW_PRIVATE: 'true',
      // Runs the killed worker held are handed over within 2-4 s instead of 30-60 s.
      CHECK_JOB_LOCK_MS: '2000',
    }),
  );
  children.push(child);
  child.stderr?.on('data', () => undefined);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('worker did not start within 30 s')), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('"msg":"worker started"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', () => reject(new Error('worker exited during start-up')));
  });
  return child;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

beforeAll(async () => {
  database = await createTestDatabase('monproc');
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.unlink(...keys);
  redis.disconnect();
  await database.drop();
});

/** Every monitor has at least `n` checks (after `since`, when given). */
async function everyMonitorChecked(ids: number[], n: number, since = new Date(0)): Promise<boolean> {
  const r = await sql<{ n: number }>`
    SELECT COUNT(*) AS n FROM (SELECT monitor_id FROM monitor_checks WHERE checked_at > ${since} GROUP BY monitor_id HAVING COUNT(*) >= ${n}) m`.execute(database.db);
  return Number(r.rows[0]!.n) === ids.length;
}

async function duplicates(): Promise<number> {
  const r = await sql<{ n: number }>`
    SELECT COUNT(*) AS n FROM (SELECT monitor_id, scheduled_at FROM monitor_checks GROUP BY monitor_id, scheduled_at HAVING COUNT(*) > 1) d`.execute(database.db);
  return Number(r.rows[0]!.n);
}

describe('worker processes', () => {
  it('two workers share the load; after one is SIGKILLed and another starts, every monitor keeps being checked once per tick', async () => {
    const target = await switchableTarget();
    const failing = await switchableTarget();
    failing.mode = 'fail';
    const teamId = await createTeam(database.db);
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) ids.push(await insertMonitor(database.db, teamId, { url: target.url, name: `m${i}` }));
    const failingId = await insertMonitor(database.db, teamId, { url: failing.url, name: 'failing', confirmations: 2 });
    ids.push(failingId);
    const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    const queue = new JobProducer({ connection: redis, prefix: bullPrefix(prefix), db: database.db });
    for (const id of ids) await syncMonitorSchedule(queue, { id, enabled: true, interval_seconds: 1 });

    const a = await startWorker();
    await startWorker();
    // both workers run a few ticks of every monitor (the failing one opens its incident)
    await waitFor(() => everyMonitorChecked(ids, 3), 30_000);

    a.kill('SIGKILL');
    await exited(a);
    const killedAt = new Date();
    // the runs the killed worker held stay active until the stalled-job check hands them over
    const checks = queue.queue(QUEUES.checks);
    const heldAtKill = (await checks.getActive()).map((j) => j.id!);
    await startWorker();
    // every monitor is checked twice again after the kill, including the ones the killed worker
    // held, and every run active at the kill has finished: the killed worker's runs are handed
    // over by BullMQ's stalled-job check (CHECK_JOB_LOCK_MS above) and run again, so a check
    // stored twice or an incident opened twice would now be in the rows below. A fixed sleep
    // of a few seconds checked before those re-runs happened.
    await waitFor(async () => {
      if (!(await everyMonitorChecked(ids, 2, killedAt))) return false;
      const active = new Set((await checks.getActive()).map((j) => j.id));
      return heldAtKill.every((id) => !active.has(id));
    }, 30_000, 100);

    expect(await duplicates()).toBe(0);
    const incidents = await database.db.selectFrom('incidents').selectAll().where('monitor_id', '=', failingId).execute();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.status).toBe('investigating');
    const perMonitor = await sql<{ monitor_id: number; n: number }>`SELECT monitor_id, COUNT(*) AS n FROM monitor_checks GROUP BY monitor_id`.execute(database.db);
    for (const row of perMonitor.rows) expect(Number(row.n)).toBeGreaterThanOrEqual(5);

    // A clean SIGTERM: the remaining workers finish and exit 0.
    const alive = children.filter((c) => c.exitCode === null && c.signalCode === null);
    for (const c of alive) c.kill('SIGTERM');
    expect(await Promise.all(alive.map(exited))).toEqual(alive.map(() => 0));
    await queue.close();
    redis.disconnect();
    await target.close();
    await failing.close();
  }, 90_000);
});
