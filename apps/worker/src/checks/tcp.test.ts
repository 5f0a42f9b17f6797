import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from './index';

let server: Server;
let port: number;
let accepted = 0;

beforeAll(async () => {
  server = createServer((s) => {
    accepted += 1;
    s.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('tcp check', () => {
  it('an open port is up with connect time', async () => {
    const r = await runCheck({ type: 'tcp', host: '127.0.0.1', port, timeout_ms: 2000 }, { allowPrivate: true });
    expect(r).toMatchObject({ status: 'up', error: null, status_code: null, cert_expires_at: null });
    expect(r.timings.connect).toBeGreaterThanOrEqual(0);
    expect(r.timings.dns).toBeNull();
    expect(r.response_time_ms).toBeGreaterThanOrEqual(0);
  });

  it('resolves host names through the guard (DNS phase measured)', async () => {
    const r = await runCheck({ type: 'tcp', host: 'localhost', port, timeout_ms: 2000 }, { allowPrivate: true });
    // localhost may list ::1 first; the replayed lookup tries every checked address.
    expect(r.status).toBe('up');
    expect(r.timings.dns).toBeGreaterThanOrEqual(0);
  });

  it('a closed port is down: connection refused', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await runCheck({ type: 'tcp', host: '127.0.0.1', port: closedPort, timeout_ms: 2000 }, { allowPrivate: true })).toMatchObject({
      status: 'down',
      error: 'connection refused',
    });
  });

  it('is degraded above the threshold', async () => {
    const r = await runCheck({ type: 'tcp', host: '127.0.0.1', port, timeout_ms: 2000, degraded_threshold_ms: -1 }, { allowPrivate: true });
    expect(r.status).toBe('degraded');
  });

  it.each([
    ['127.0.0.1', 'blocked: 127.0.0.1 is a loopback address'],
    ['2130706433', 'blocked: 127.0.0.1 is a loopback address'],
    ['0x7f000001', 'blocked: 127.0.0.1 is a loopback address'],
    ['::ffff:127.0.0.1', 'blocked: 127.0.0.1 is a loopback address'],
    ['10.1.2.3', 'blocked: 10.1.2.3 is a private address'],
    ['169.254.169.254', 'blocked: 169.254.169.254 is a cloud metadata address'],
  ])('refuses %s without connecting', async (host, error) => {
    const before = accepted;
    expect(await runCheck({ type: 'tcp', host, port, timeout_ms: 1000 }, { allowPrivate: false })).toMatchObject({ status: 'down', error });
    expect(accepted).toBe(before);
  });

  it('metadata stays refused with allowPrivate', async () => {
    expect(await runCheck({ type: 'tcp', host: '169.254.169.254', port: 80, timeout_ms: 1000 }, { allowPrivate: true })).toMatchObject({
      status: 'down',
      error: 'blocked: 169.254.169.254 is a cloud metadata address',
    });
  });

  it.each([
    [{ host: '', port: 80 }, 'missing host'],
    [{ host: 'a', port: 0 }, 'invalid port'],
    [{ host: 'a', port: 70000 }, 'invalid port'],
  ])('refuses bad input %j', async (t, error) => {
    expect(await runCheck({ type: 'tcp', timeout_ms: 1000, ...t }, { allowPrivate: true })).toMatchObject({ status: 'down', error });
  });

  it('an unknown check type is down, not a crash', async () => {
    expect(await runCheck({ type: 'heartbeat' as never, timeout_ms: 1000 }, { allowPrivate: true })).toMatchObject({ status: 'down', error: 'unsupported check type heartbeat' });
  });
});
