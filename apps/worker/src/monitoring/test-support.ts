/** Test helpers for the monitoring tests: a team, monitors inserted directly, a switchable target. */
import type { Db } from '@sentrypulse/db';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function createTeam(db: Db): Promise<number> {
  const u = await db.insertInto('users').values({ name: 'o', email: `o${Math.random()}@example.test`, password_hash: 'x' }).executeTakeFirstOrThrow();
  const t = await db.insertInto('teams').values({ name: 't', owner_id: Number(u.insertId), plan: 'business' }).executeTakeFirstOrThrow();
  return Number(t.insertId);
}

export async function insertMonitor(db: Db, teamId: number, values: Record<string, unknown>): Promise<number> {
  const res = await db
    .insertInto('monitors')
    .values({ team_id: teamId, name: 'target', type: 'http', interval_seconds: 1, timeout_ms: 2000, ...values } as never)
    .executeTakeFirstOrThrow();
  return Number(res.insertId);
}

/** An HTTP target whose answer the test switches: 'ok' (200 "OK"), 'fail' (500), 'slow'. */
export async function switchableTarget(): Promise<{ url: string; mode: 'ok' | 'fail' | 'slow'; hits: number; close(): Promise<void> }> {
  const state = { mode: 'ok' as 'ok' | 'fail' | 'slow', hits: 0 };
  const server: Server = createServer((_req, res) => {
    state.hits += 1;
    if (state.mode === 'fail') return void res.writeHead(500).end('broken');
    if (state.mode === 'slow') return void setTimeout(() => res.writeHead(200).end('OK slow'), 300);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  });
}

export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 15_000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
