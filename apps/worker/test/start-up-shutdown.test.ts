import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

// The worker's modules start one after another and the first takes work at once; a SIGTERM in
// that window (found as a SIGTERM death in ingest-redis-restart under load) must still be a
// clean drain and exit 0, not the default action of the signal.
const workerDir = fileURLToPath(new URL('..', import.meta.url));
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('workerstartstop');
});
afterAll(async () => {
  await database?.drop();
});

it('exits 0 through the graceful shutdown when SIGTERM arrives right after the first module started', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: workerDir,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `sptest:${randomBytes(4).toString('hex')}`,
      WORKER_PORT: '0',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr.on('data', (d) => (out += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.stdout.on('data', (d) => {
    const first = !out.includes('"msg":"module started"');
    out += d;
    if (first && out.includes('"msg":"module started"')) child.kill('SIGTERM');
  });
  const { code, signal } = await exit;
  expect({ code, signal }, out.slice(-2000)).toEqual({ code: 0, signal: null });
  expect(out).toContain('"msg":"worker shutting down"');
}, 60_000);
