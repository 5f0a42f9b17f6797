import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const apiDir = new URL('..', import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: apiDir,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return { child, out: () => stdout, err: () => stderr };
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('proc');
});
afterAll(() => database.drop());

describe('the API process', () => {
  it('refuses to start on a bad variable with one line naming it', async () => {
    const { child, err } = startServer({ API_PORT: 'eighty', DATABASE_URL: database.url });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(err().trim().split('\n')).toEqual(['invalid configuration: API_PORT must be a port number']);
  });

  it('refuses to start in production without JWT_SECRET', async () => {
    const { child, err } = startServer({ NODE_ENV: 'production', DATABASE_URL: database.url });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(err()).toContain('JWT_SECRET');
  });

  it('serves, then shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const { child, out } = startServer({
      API_PORT: String(port),
      API_HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      REDIS_PREFIX: `sptest:proc${port}`,
    });
    let ready = false;
    for (let i = 0; i < 80 && !ready; i++) {
      await new Promise((r) => setTimeout(r, 250));
      ready = await fetch(`http://127.0.0.1:${port}/api/ready`).then((r) => r.ok, () => false);
    }
    expect(ready).toBe(true);
    const exit = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exit;
    expect(code).toBe(0);
    const lines = out().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.some((l) => l.msg === 'shutting down' && l.signal === 'SIGTERM')).toBe(true);
    // Structured JSON logs carry the request id of each request.
    expect(lines.some((l) => typeof l.reqId === 'string' && l.req?.url === '/api/ready')).toBe(true);
    await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow();
  });
});
