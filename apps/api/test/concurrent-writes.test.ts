import { loadConfig } from '@sentrypulse/shared/config';
import { closeWorkerContext, createWorkerContext, monitoringModule, notifyModule, type RunningModule, type WorkerContext } from '@sentrypulse/worker/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, teamWithRoles, type TestApp, type TestUser } from './helpers';

/**
 * Issue 18, "Concurrent writes answer 500": creates, updates and deletes of monitors, channels and
 * incidents in parallel through the API while a real worker (monitoring and notify modules, in
 * this process, on the same database and Redis prefix) runs the monitors' checks against a local
 * HTTP server and opens and resolves their incidents. A deadlock or lock-wait timeout that
 * reached a request would be a 500; the answer must be 0 responses 5xx.
 */

let t: TestApp;
let target: Server;
let targetUrl = '';
let teamId: number;
let admin: TestUser;
const workers: Array<{ ctx: WorkerContext; mods: RunningModule[] }> = [];

async function startWorker() {
  const ctx = createWorkerContext(
    loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: t.database.url,
      REDIS_PREFIX: t.config.redisPrefix,
      OUTBOUND_ALLOW_PRIVATE: 'true',
      LOG_LEVEL: 'silent',
      PUBLIC_URL: 'http://localhost:3000',
    }),
    pino({ level: 'silent' }),
  );
  const mods = [await monitoringModule({ concurrency: 200, housekeeping: false }).start(ctx), await notifyModule().start(ctx)];
  workers.push({ ctx, mods });
}

beforeAll(async () => {
  t = await createTestApp();
  ({ teamId, admin } = await teamWithRoles(t, 'business'));
  // Paths under /down/ answer 500 (their monitors open incidents), the rest 200.
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/down/')) return void res.writeHead(500).end('broken');
    res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  target = server;
  targetUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await startWorker();
}, 60_000);

afterAll(async () => {
  for (const w of workers) {
    for (const m of w.mods.reverse()) await m.close().catch(() => undefined);
    await closeWorkerContext(w.ctx).catch(() => undefined);
  }
  await new Promise<void>((r) => {
    target?.closeAllConnections();
    target?.close(() => r());
  });
  await t?.close();
});

type Call = { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; payload?: object };

async function call(c: Call) {
  const res = await t.app.inject({ method: c.method, url: `/api/teams/${teamId}${c.url}`, headers: bearer(admin), ...(c.payload ? { payload: c.payload } : {}) });
  return { status: res.statusCode, body: res.statusCode === 204 ? null : res.json(), call: c };
}

/** Runs the calls `concurrency` at a time; returns every answer. */
async function pool(calls: Call[], concurrency: number) {
  const out: Awaited<ReturnType<typeof call>>[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls.length) out.push(await call(calls[next++]!));
    }),
  );
  return out;
}

const serverErrors = (answers: Awaited<ReturnType<typeof call>>[]) =>
  answers.filter((a) => a.status >= 500).map((a) => `${a.call.method} ${a.call.url} → ${a.status} ${a.body?.detail ?? ''}`);

const monitorBody = (i: number, down: boolean, channelIds: number[] = []) => ({
  name: `m${i}`,
  type: 'http',
  url: `${targetUrl}/${down ? 'down' : 'up'}/${i}`,
  interval_seconds: 10,
  confirmations: 1,
  recovery_confirmations: 1,
  channel_ids: channelIds,
});

/** Rounds of 50 parallel writes; before the fix about every other run of 4 rounds had a 500. */
const ROUNDS = Number(process.env.CONCURRENT_ROUNDS ?? 8);

describe('concurrent writes with the worker running (issue 18)', () => {
  it('answers 50 parallel creates, updates and deletes of monitors, channels and incidents with no 5xx, round after round', async () => {
    // Existing rows the rounds update and delete, half of the monitors failing (incidents open).
    const channels: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await call({ method: 'POST', url: '/channels', payload: { type: 'webhook', name: `c${i}`, config: { url: `${targetUrl}/hook/${i}` } } });
      expect(r.status).toBe(201);
      channels.push(r.body.id);
    }
    const monitors: number[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await call({ method: 'POST', url: '/monitors', payload: monitorBody(i, i % 2 === 0, [channels[i % channels.length]!]) });
      expect(r.status).toBe(201);
      monitors.push(r.body.id);
    }
    const incidents: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await call({ method: 'POST', url: '/incidents', payload: { title: `manual ${i}`, message: 'Looking into it.', monitor_ids: [monitors[i]!] } });
      expect(r.status).toBe(201);
      incidents.push(r.body.id);
    }

    const errors: string[] = [];
    let answered = 0;
    let seq = 1000;
    for (let round = 0; round < ROUNDS; round++) {
      const calls: Call[] = [];
      for (let i = 0; i < 50; i++) {
        const m = monitors[(round * 50 + i) % monitors.length]!;
        const ch = channels[(round * 7 + i) % channels.length]!;
        const inc = incidents[(round * 3 + i) % incidents.length]!;
        const kind = i % 10;
        if (kind === 0 || kind === 3) calls.push({ method: 'POST', url: '/monitors', payload: monitorBody(seq++, seq % 2 === 0, [ch]) });
        else if (kind === 1) calls.push({ method: 'PATCH', url: `/monitors/${m}`, payload: { name: `renamed ${seq++}`, channel_ids: [ch] } });
        else if (kind === 2) calls.push(i % 20 === 2 ? { method: 'POST', url: `/monitors/${m}/check-now` } : { method: 'POST', url: `/monitors/${m}/${round % 2 ? 'resume' : 'pause'}` });
        else if (kind === 4) calls.push({ method: 'POST', url: '/channels', payload: { type: 'webhook', name: `c${seq++}`, config: { url: `${targetUrl}/hook/${seq}` } } });
        else if (kind === 5) calls.push({ method: 'PATCH', url: `/channels/${ch}`, payload: { name: `channel ${seq++}` } });
        else if (kind === 6) calls.push({ method: 'POST', url: '/incidents', payload: { title: `manual ${seq++}`, message: 'Investigating.', monitor_ids: [m] } });
        else if (kind === 7) calls.push({ method: 'PATCH', url: `/incidents/${inc}`, payload: { title: `incident ${seq++}`, monitor_ids: [m] } });
        else if (kind === 8) calls.push({ method: 'POST', url: `/incidents/${inc}/updates`, payload: { status: 'identified', message: `update ${seq++}` } });
        else calls.push({ method: 'DELETE', url: `/monitors/${monitors[monitors.length - 1 - ((round * 5 + i) % 20)]!}` });
      }
      const answers = await pool(calls, 50);
      answered += answers.length;
      errors.push(...serverErrors(answers));
      // Created rows join the pools the next rounds change; deleted monitors leave it (404s are fine).
      for (const a of answers) {
        if (a.status !== 201) continue;
        if (a.call.url === '/monitors') monitors.push(a.body.id);
        if (a.call.url === '/channels') channels.push(a.body.id);
        if (a.call.url === '/incidents') incidents.push(a.body.id);
      }
      // Channel deletes too, once the monitors' routes point at other channels as well.
      const channelDeletes = await pool(channels.splice(0, 2).map((id) => ({ method: 'DELETE' as const, url: `/channels/${id}` })), 2);
      errors.push(...serverErrors(channelDeletes));
    }
    expect(answered).toBe(ROUNDS * 50);
    // the worker did run checks and open incidents while the requests ran
    const checks = await t.db.selectFrom('monitor_checks').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(checks.n)).toBeGreaterThan(30);
    const auto = await t.db.selectFrom('incidents').select('id').where('team_id', '=', teamId).where('kind', '=', 'auto').execute();
    expect(auto.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  }, 150_000);

  it(`creates ${Number(process.env.CONCURRENT_CREATES ?? 300)} monitors 20 at a time while the worker runs their first checks, with no 5xx`, async () => {
    const count = Number(process.env.CONCURRENT_CREATES ?? 300);
    const calls: Call[] = Array.from({ length: count }, (_, i) => ({ method: 'POST', url: '/monitors', payload: monitorBody(100_000 + i, i % 3 === 0) }));
    const started = Date.now();
    const answers = await pool(calls, 20);
    const errors = serverErrors(answers);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(count - errors.length);
    // their first checks ran while the creates went on
    const firstChecked = await t.db.selectFrom('monitor_checks').select('monitor_id').distinct().where('checked_at', '>=', new Date(started)).execute();
    expect(firstChecked.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  }, 180_000);
});
