import { addressHash, newNonce } from '@sentrypulse/db';
import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import { enqueueSubscriberEvent } from '@sentrypulse/jobs';
import { loadConfig } from '@sentrypulse/shared/config';
import { Redis } from 'ioredis';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killChild, startChildWorker } from '../../test/child-worker';
import { TEST_ENCRYPTION_KEY } from '../../test/notify-support';
import { closeWorkerContext, createWorkerContext, type WorkerContext } from '../context';
import { producerFor } from '../jobs';
import { createTeam, insertMonitor, waitFor } from '../monitoring/test-support';
import { startSmtp, type FakeSmtp } from '../notify/testing';

/** One notice per subscriber across a worker killed with SIGKILL mid-send (the alerts' guarantee). */
let database: TestDatabase;
let prefix: string;
let ctx: WorkerContext;
let smtp: FakeSmtp;
const children: ChildProcess[] = [];

const startChild = () =>
  startChildWorker(
    'src/subscribers/testing-worker.ts',
    { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATABASE_URL: database.url, REDIS_PREFIX: prefix, OUTBOUND_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'silent', ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, SMTP_URL: smtp.url },
    children,
  );
const kill = killChild;

beforeAll(async () => {
  database = await createTestDatabase('subcrash');
  prefix = `sptest:${randomBytes(4).toString('hex')}`;
  smtp = await startSmtp();
  ctx = createWorkerContext(loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' }), pino({ level: 'silent' }));
}, 60_000);

afterAll(async () => {
  for (const c of children) await kill(c);
  await closeWorkerContext(ctx);
  await smtp.close();
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.unlink(...keys);
  redis.disconnect();
  await database.drop();
});

describe('a subscriber worker killed mid-send', () => {
  it('killed while talking to the SMTP server: another worker sends the notice, once', async () => {
    const db = database.db;
    const teamId = await createTeam(db);
    const monitorId = await insertMonitor(db, teamId, { url: 'https://api.example.com/', status: 'down' });
    const page = Number((await db.insertInto('status_pages').values({ team_id: teamId, slug: 'crash', title: 'Crash', is_public: true }).executeTakeFirstOrThrow()).insertId);
    await db.insertInto('status_page_components').values({ status_page_id: page, monitor_id: monitorId, display_name: 'API', position: 0 }).execute();
    const key = Buffer.from(TEST_ENCRYPTION_KEY, 'hex');
    await db
      .insertInto('status_page_subscribers')
      .values({ team_id: teamId, status_page_id: page, type: 'email', status: 'active', address: 'reader@example.test', address_hash: addressHash(key, 'email', 'reader@example.test'), token_nonce: newNonce(), confirmed_at: new Date() })
      .execute();
    const inc = await db.insertInto('incidents').values({ team_id: teamId, monitor_id: monitorId, kind: 'auto', title: 'internal', severity: 'critical', started_at: new Date() }).executeTakeFirstOrThrow();
    const ev = await db.insertInto('incident_events').values({ team_id: teamId, incident_id: Number(inc.insertId), monitor_id: monitorId, type: 'incident.opened' }).executeTakeFirstOrThrow();

    const first = await startChild();
    let killed = false;
    smtp.onRcpt = async () => {
      if (killed) return;
      killed = true;
      await kill(first);
    };
    const jobs = producerFor(ctx);
    await enqueueSubscriberEvent(jobs, Number(ev.insertId));
    await jobs.close();
    await waitFor(async () => killed && first.signalCode === 'SIGKILL', 20_000);
    expect(smtp.mails).toHaveLength(0);
    const rows = () => db.selectFrom('subscriber_deliveries').selectAll().where('team_id', '=', teamId).execute();
    expect((await rows())[0]).toMatchObject({ status: 'pending', attempts: 1 });

    await startChild();
    const [row] = await waitFor(async () => {
      const r = await rows();
      return r[0]?.status === 'sent' ? r : null;
    }, 20_000);
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.subject).toBe('[Crash] API: outage — Investigating');
    expect(smtp.mails[0]!.messageId).toBe(`<${row!.idempotency_key}@sentrypulse>`);
  }, 60_000);
});
