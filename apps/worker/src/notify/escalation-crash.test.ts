import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '@sentrypulse/shared/config';
import pino from 'pino';
import { killChild, startChildWorker } from '../../test/child-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeWorkerContext, createWorkerContext, type WorkerContext } from '../context';
import { createTeam, insertMonitor, waitFor } from '../monitoring/test-support';
import { enqueueEvents, insertChannel, insertIncidentEvent, TEST_ENCRYPTION_KEY } from '../../test/notify-support';
import { bodyOf, startProviderFake } from '../../test/oncall-fakes';
import type { FakeServer } from './testing';

/**
 * Durable escalation timers (SPEC 11): a worker process SIGKILLed between step 1 and step 2 neither
 * skips step 2 (the delayed job waits in Redis for the next worker) nor repeats anything (alert rows
 * are unique per step, the next job's id is deterministic).
 */
let database: TestDatabase;
let prefix: string;
let ctx: WorkerContext;
let slack: FakeServer;
let sms: FakeServer;
const children: ChildProcess[] = [];
const SID = `AC${'d4'.repeat(16)}`;

function env(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    REDIS_PREFIX: prefix,
    OUTBOUND_ALLOW_PRIVATE: 'true',
    LOG_LEVEL: 'silent',
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    TWILIO_API_BASE: sms.url,
    NOTIFY_TEST_LOCK_MS: '1000',
  };
}

const startWorker = () => startChildWorker('src/notify/testing-worker.ts', env(), children);
const kill = killChild;

beforeAll(async () => {
  database = await createTestDatabase('esccrash');
  prefix = `sptest:${randomBytes(4).toString('hex')}`;
  slack = await startProviderFake('slack');
  sms = await startProviderFake('sms');
  ctx = createWorkerContext(loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' }), pino({ level: 'silent' }));
}, 60_000);

afterAll(async () => {
  for (const c of children) await kill(c);
  await closeWorkerContext(ctx);
  await slack.close();
  await sms.close();
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.unlink(...keys);
  redis.disconnect();
  await database.drop();
});

describe('a worker killed between escalation steps', () => {
  it('SIGKILL after step 1, step 2 due while no worker runs: the next worker sends step 2 once, and nothing repeats', async () => {
    const teamId = await createTeam(database.db);
    const s = await insertChannel(database.db, teamId, 'slack', { webhook_url: `${slack.url}/services/T/B/crash` });
    const p = await insertChannel(database.db, teamId, 'sms', { account_sid: SID, auth_token: 'twiliosecrettoken0123456789abcd', from: '+15550001111', to: '+15552223333' });
    const policy = await database.db
      .insertInto('escalation_policies')
      .values({ team_id: teamId, name: 'crash', steps: JSON.stringify([{ delay_seconds: 3, channel_ids: [s] }, { delay_seconds: 60, channel_ids: [p] }]) })
      .executeTakeFirstOrThrow();
    const monitorId = await insertMonitor(database.db, teamId, { url: 'https://api.example.com/', status: 'down', escalation_policy_id: Number(policy.insertId) });

    const first = await startWorker();
    const { eventId, incidentId } = await insertIncidentEvent(database.db, teamId, monitorId);
    await enqueueEvents(ctx, [eventId]);
    await waitFor(async () => slack.requests.length === 1, 20_000);
    await waitFor(async () => (await database.db.selectFrom('alerts_sent').select('status').where('incident_id', '=', incidentId).executeTakeFirst())?.status === 'sent');
    await kill(first);
    expect(first.signalCode).toBe('SIGKILL');

    // Step 2 falls due (3 s after the opening) while no worker is running.
    const esc = await database.db.selectFrom('incident_escalations').selectAll().where('incident_id', '=', incidentId).executeTakeFirstOrThrow();
    await new Promise((r) => setTimeout(r, Math.max(0, esc.started_at.getTime() + 4_000 - Date.now())));
    expect(sms.requests).toHaveLength(0);

    await startWorker();
    await waitFor(async () => sms.requests.length >= 1, 20_000);
    // A second worker joins; a while later still exactly one step-2 message and one step-1 message.
    await startWorker();
    await new Promise((r) => setTimeout(r, 2_500));
    expect(sms.requests).toHaveLength(1);
    expect(bodyOf(sms.requests[0]!).Body).toMatch(/^ESCALATED: api\.example\.com/);
    expect(slack.requests).toHaveLength(1);
    const rows = await database.db.selectFrom('alerts_sent').select(['event_key', 'status']).where('incident_id', '=', incidentId).orderBy('id').execute();
    expect(rows).toEqual([
      { event_key: `event:${eventId}`, status: 'sent' },
      { event_key: `esc:${incidentId}:0:1`, status: 'sent' },
    ]);
  }, 90_000);

  it('a running escalation whose timer Redis lost gets it back when a worker starts (due steps at once, nothing twice)', async () => {
    const teamId = await createTeam(database.db);
    const s = await insertChannel(database.db, teamId, 'slack', { webhook_url: `${slack.url}/services/T/B/lost` });
    const p = await insertChannel(database.db, teamId, 'sms', { account_sid: SID, auth_token: 'twiliosecrettoken0123456789abcd', from: '+15550001111', to: '+15552223333' });
    const steps = [{ delay_seconds: 1, channel_ids: [s] }, { delay_seconds: 60, channel_ids: [p] }];
    const policy = await database.db.insertInto('escalation_policies').values({ team_id: teamId, name: 'lost', steps: JSON.stringify(steps) }).executeTakeFirstOrThrow();
    const monitorId = await insertMonitor(database.db, teamId, { url: 'https://lost.example.com/', status: 'down', escalation_policy_id: Number(policy.insertId) });
    // An escalation that started 10 s ago (step 1 done), with no job in Redis at all.
    const { incidentId } = await insertIncidentEvent(database.db, teamId, monitorId);
    await database.db
      .insertInto('incident_escalations')
      .values({ incident_id: incidentId, team_id: teamId, policy_id: Number(policy.insertId), policy: JSON.stringify({ steps, repeat: 0, remind_every_seconds: null }), started_at: new Date(Date.now() - 10_000) })
      .execute();
    const before = sms.requests.length;
    await startWorker();
    await waitFor(async () => sms.requests.length === before + 1, 20_000);
    await startWorker();
    await new Promise((r) => setTimeout(r, 2_000));
    expect(sms.requests.length).toBe(before + 1);
    expect(bodyOf(sms.requests.at(-1)!).Body).toMatch(/^ESCALATED: lost\.example\.com/);
    const esc = await database.db.selectFrom('incident_escalations').selectAll().where('incident_id', '=', incidentId).executeTakeFirstOrThrow();
    expect(esc).toMatchObject({ last_step: 1, stopped_reason: 'exhausted' });
  }, 90_000);
});
