import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnWorkerScript, workerMainEnv } from './child-worker';

// The worker's modules start one after another and the first takes work at once; a SIGTERM in
// that window (found as a SIGTERM death in ingest-redis-restart under load) must still be a
// clean drain and exit 0, not the default action of the signal.
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('workerstartstop');
});
afterAll(async () => {
  await database?.drop();
});

it('exits 0 through the graceful shutdown when SIGTERM arrives right after the first module started', async () => {
  const child = spawnWorkerScript('src/main.ts', workerMainEnv(database.url, `sptest:${randomBytes(4).toString('hex')}`));
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.stdout!.on('data', (d) => {
    const first = !out.includes('"msg":"module started"');
    out += d;
    if (first && out.includes('"msg":"module started"')) child.kill('SIGTERM');
  });
  const { code, signal } = await exit;
  expect({ code, signal }, out.slice(-2000)).toEqual({ code: 0, signal: null });
  expect(out).toContain('"msg":"worker shutting down"');
}, 60_000);
