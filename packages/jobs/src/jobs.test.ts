import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import { readInstallationId } from '@sentrypulse/db';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bullPrefix,
  checkJob,
  deliverJob,
  enqueue,
  enqueueMany,
  handle,
  incidentEventJob,
  InvalidPayloadError,
  JOB_DEFINITIONS,
  JobProducer,
  jobIdOf,
  QUEUE_NAMES,
  QUEUES,
  startWorker,
  type JobDefinition,
  type RunningWorker,
} from './index';

let database: TestDatabase;
let redis: Redis;
let jobs: JobProducer;
const prefix = bullPrefix(`sptest:${randomBytes(4).toString('hex')}`);
const silent = { warn: () => undefined, error: () => undefined };

beforeAll(async () => {
  database = await createTestDatabase('jobs');
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  jobs = new JobProducer({ connection: redis, prefix, db: database.db });
});
afterAll(async () => {
  await jobs.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.unlink(...keys);
  redis.disconnect();
  await database.drop();
});

async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A payload each definition must refuse: a wrong type where it wants a value, or an extra key where it wants none. */
const INVALID: Record<string, unknown> = {
  'checks/check': { monitor_id: 'seven' },
  'notify/incident-event': { event_id: -1 },
  'alerts/deliver': { alert_id: '12; DROP TABLE' },
  'analytics/aggregate': { site: 1 },
  'analytics/retention': { days: 30 },
  'monitoring-housekeeping/reconcile': { all: true },
  'monitoring-housekeeping/uptime': { now: 1 },
  'monitoring-housekeeping/rollup': { date: '2026-01-01' },
  'monitoring-housekeeping/retention': { days: 1 },
  'monitoring-housekeeping/outbox': { limit: 5 },
  'escalation/step': { incident_id: 1, round: 0, step: 10 },
  'escalation/reminder': { incident_id: 1, n: 0 },
  'subscribers/subscriber-event': { event_id: 0 },
  'subscribers/subscriber-fanout': { notice_id: '1', after_id: '-1' },
  'subscribers/subscriber-deliver': { delivery_id: 'x' },
  'subscribers/subscriber-sweep': { all: true },
};

describe('job definitions', () => {
  it('name every queue once and every job once per queue', () => {
    expect(new Set(QUEUE_NAMES).size).toBe(QUEUE_NAMES.length);
    const keys = JOB_DEFINITIONS.map((d) => `${d.queue}/${d.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const d of JOB_DEFINITIONS) expect(QUEUE_NAMES).toContain(d.queue);
    expect(Object.keys(INVALID).sort()).toEqual([...keys].sort());
  });

  it.each(JOB_DEFINITIONS.map((d) => [`${d.queue}/${d.name}`, d] as [string, JobDefinition]))('%s: the typed enqueue refuses an invalid payload and adds nothing', async (key, def) => {
    const queue = jobs.queue(def.queue as (typeof QUEUE_NAMES)[number]);
    const before = await queue.count();
    await expect(enqueue(jobs, def, INVALID[key] as never)).rejects.toThrow(InvalidPayloadError);
    await expect(enqueue(jobs, def, INVALID[key] as never)).rejects.toThrow(`invalid payload for ${key}`);
    await expect(enqueueMany(jobs, def, [INVALID[key] as never])).rejects.toThrow(InvalidPayloadError);
    expect(await queue.count()).toBe(before);
  });

  it('namespaces deterministic job ids by the installation and keeps replays to one job', async () => {
    const installation = await readInstallationId(database.db);
    expect(installation).toMatch(/^[0-9a-f]{16}$/);
    const id = await enqueue(jobs, deliverJob, { alert_id: '41' });
    expect(id).toBe(`alert-41@${installation}`);
    expect(await jobIdOf(jobs, deliverJob, { alert_id: '41' })).toBe(id);
    expect(await enqueue(jobs, deliverJob, { alert_id: '41' })).toBe(id);
    const job = await jobs.queue(QUEUES.alerts).getJob(id);
    expect(job?.opts).toMatchObject({ attempts: 6, backoff: { type: 'alert', delay: 30_000 }, removeOnComplete: 1000, removeOnFail: 5000 });
    await job?.remove();
  });
});

describe('the worker wiring', () => {
  let running: RunningWorker | null = null;
  afterAll(async () => {
    await running?.close();
  });

  it('turns a payload that fails its schema into a dead letter with the reason, never running the handler nor retrying', async () => {
    const seen: unknown[] = [];
    running = startWorker({ connection: redis.duplicate(), prefix, db: database.db, log: silent }, QUEUES.notify, [
      handle(incidentEventJob, async (payload) => {
        seen.push(payload);
        return 'ok';
      }),
    ]);
    const queue = jobs.queue(QUEUES.notify);
    // What a producer that bypassed the typed enqueue (or an older version of it) could leave behind.
    const bad = await queue.add(incidentEventJob.name, { event_id: 'not-a-number' }, { jobId: 'bad-payload', attempts: 5 });
    const unknown = await queue.add('no-such-job', { event_id: 1 }, { jobId: 'unknown-name', attempts: 5 });
    const good = await enqueue(jobs, incidentEventJob, { event_id: 7 });

    const dead = await waitFor(async () => {
      const rows = await database.db.selectFrom('failed_jobs').selectAll().where('queue', '=', QUEUES.notify).orderBy('id').execute();
      return rows.length === 2 ? rows : null;
    });
    expect(dead.find((r) => r.job_id === 'bad-payload')).toMatchObject({
      name: incidentEventJob.name,
      team_id: null,
      attempts: 1,
      data: { event_id: 'not-a-number' },
    });
    expect(dead.find((r) => r.job_id === 'bad-payload')!.error).toMatch(/^invalid payload for notify\/incident-event: event_id: /);
    expect(dead.find((r) => r.job_id === 'unknown-name')!.error).toBe('no handler for job notify/no-such-job');
    // Failed once and for good, although the job allowed five attempts.
    expect(await queue.getJobState(bad.id!)).toBe('failed');
    expect((await queue.getJob(bad.id!))?.attemptsStarted).toBe(1);
    expect(await queue.getJobState(unknown.id!)).toBe('failed');
    // The good job ran, with its parsed payload; the bad ones never reached the handler.
    await waitFor(async () => (await queue.getJobState(good)) === 'completed');
    expect(seen).toEqual([{ event_id: 7 }]);
  });

  it('refuses to register a handler on the wrong queue, or two for one job', () => {
    const runtime = { connection: redis, prefix, db: database.db, log: silent };
    expect(() => startWorker(runtime, QUEUES.alerts, [handle(checkJob, async () => 'x')])).toThrow('job check belongs to queue checks, not alerts');
    expect(() => startWorker(runtime, QUEUES.checks, [handle(checkJob, async () => 'x'), handle(checkJob, async () => 'y')])).toThrow('two handlers for checks/check');
  });
});
