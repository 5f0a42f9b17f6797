import { createDb, migrateUrl, type Db } from '@sentrypulse/db';
import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, stackEnv, startApi, startWorker, waitForHttp, type Proc } from './support/processes';

// The README's "start over": drop the database and start again against the same Redis (same
// REDIS_PREFIX). Before ADR 0100 the new installation's first alert got id 1 again, its delivery
// job id `alert-1` was still in Redis from the old installation, and BullMQ ignored the new job:
// the "send test" stayed pending for ever. Real api and worker processes, a real webhook receiver.

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `sptest:${randomBytes(4).toString('hex')}`;

let database: TestDatabase;
let db: Db;
let receiver: Server & { posts: string[]; url: string };
let running: Proc[] = [];
let env: Record<string, string>;
let apiBase = '';

async function startReceiver() {
  const posts: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      posts.push(body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(server, { posts, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startInstallation() {
  const apiPort = await freePort();
  const api = startApi({ ...env, API_HOST: '127.0.0.1', API_PORT: String(apiPort) }, 'api');
  const worker = startWorker({ ...env, WORKER_PORT: String(await freePort()) }, 'worker');
  running = [api, worker];
  apiBase = `http://127.0.0.1:${apiPort}/api`;
  await waitForHttp(`${apiBase}/health`, api);
}

async function stopInstallation() {
  const codes = await Promise.all(running.map((p) => p.stop()));
  running = [];
  expect(codes.filter((c) => c !== 0 && c !== -1)).toEqual([]);
}

async function call(method: string, path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${apiBase}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

/** Registers, creates a webhook channel, sends a test: answers the alert id once it was delivered. */
async function sendTestAlert(): Promise<string> {
  const reg = await call('POST', '/auth/register', null, { name: 'Ops', email: 'ops@example.test', password: 'correct horse battery staple' });
  expect(reg.status).toBe(201);
  const token = reg.json.access_token as string;
  const teamId = reg.json.team.id as number;
  const channel = await call('POST', `/teams/${teamId}/channels`, token, { type: 'webhook', name: 'hook', config: { url: `${receiver.url}/hook` } });
  expect(channel.status).toBe(201);
  const sent = await call('POST', `/teams/${teamId}/channels/${channel.json.id}/test`, token);
  expect(sent.status).toBe(202);
  const alertId = sent.json.alert_id as string;
  const row = await waitFor(async () => {
    const r = await db.selectFrom('alerts_sent').select(['status', 'attempts']).where('id', '=', alertId).executeTakeFirst();
    return r?.status === 'sent' ? r : undefined;
  }, 30_000);
  expect(row).toEqual({ status: 'sent', attempts: 1 });
  return alertId;
}

beforeAll(async () => {
  database = await createTestDatabase('startover');
  db = database.db;
  receiver = await startReceiver();
  env = stackEnv({ databaseUrl: database.url, redisUrl: REDIS_URL, prefix }, { OUTBOUND_ALLOW_PRIVATE: 'true' });
});

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await new Promise<void>((r) => receiver?.close(() => r()));
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.unlink(...keys);
  redis.disconnect();
  if (db !== database?.db) await db.destroy();
  await database?.drop();
});

describe('start over: drop the database, start again against the same Redis', () => {
  it('delivers the new installation’s alerts, whose ids repeat the old installation’s', async () => {
    await startInstallation();
    const first = await sendTestAlert();
    expect(receiver.posts).toHaveLength(1);
    await stopInstallation();

    // DROP DATABASE; then start again: the migrations create it anew (a new installation id).
    await database.drop();
    await migrateUrl(database.url);
    db = createDb(database.url, { connectionLimit: 2 });
    await startInstallation();
    const second = await sendTestAlert();
    // The same auto-increment id as before: only the installation id tells the two jobs apart.
    expect(second).toBe(first);
    expect(receiver.posts).toHaveLength(2);
    await stopInstallation();
  }, 150_000);
});
