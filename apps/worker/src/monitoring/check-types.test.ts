import { enqueueCheckNow, syncMonitorSchedule, type JobProducer } from '@sentrypulse/jobs';
import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import { loadConfig } from '@sentrypulse/shared/config';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPki, startDnsServer, startHttpServer, startHttpsServer, type Pki, type TestDnsServer, type TestServer } from '../checks/testing';
import { closeWorkerContext, createWorkerContext, type WorkerContext } from '../context';
import { producerFor } from '../jobs';
import type { RunningModule } from '../module';
import { monitoringModule } from './module';
import { createTeam, insertMonitor, waitFor } from './test-support';

/** Every check type through the whole engine (scheduler → runner → stored check → incidents), against real local peers. */
let database: TestDatabase;
let ctx: WorkerContext;
let mod: RunningModule;
let queue: JobProducer;
let pki: Pki;
let http: TestServer;
let dns: TestDnsServer;
let teamId: number;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  database = await createTestDatabase('montypes');
  pki = createPki();
  http = await startHttpServer();
  dns = await startDnsServer({ 'app.test': { A: ['10.1.2.3'], MX: [[10, 'mx.app.test']] } });
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, REDIS_PREFIX: `sptest:${randomBytes(4).toString('hex')}`, OUTBOUND_ALLOW_PRIVATE: 'true' });
  ctx = createWorkerContext(config, pino({ level: 'silent' }));
  mod = await monitoringModule({ concurrency: 20, housekeeping: false, runOptions: { ca: pki.caCert, dnsServers: [dns.server] } }).start(ctx);
  queue = producerFor(ctx);
  teamId = await createTeam(database.db);
});

afterAll(async () => {
  await mod.close();
  await queue.close();
  for (const c of closers) await c();
  await http.close();
  await dns.close();
  pki.cleanup();
  const redis = new Redis(ctx.config.redisUrl);
  const keys = await redis.keys(`${ctx.config.redisPrefix}*`);
  if (keys.length) await redis.unlink(...keys);
  redis.disconnect();
  await closeWorkerContext(ctx);
  await database.drop();
});

/** Creates the monitor, lets it run until it has `n` checks, pauses it, returns the checks. */
async function runMonitor(values: Record<string, unknown>, n = 1) {
  const id = await insertMonitor(database.db, teamId, values);
  await syncMonitorSchedule(queue, { id, enabled: true, interval_seconds: 1 });
  const checks = await waitFor(async () => {
    const rows = await database.db.selectFrom('monitor_checks').selectAll().where('monitor_id', '=', id).orderBy('id').execute();
    return rows.length >= n ? rows : null;
  }, 20_000);
  await database.db.updateTable('monitors').set({ enabled: false }).where('id', '=', id).execute();
  await syncMonitorSchedule(queue, { id, enabled: false, interval_seconds: 1 });
  const monitor = await database.db.selectFrom('monitors').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return { id, checks, monitor };
}

describe('check types through the engine', () => {
  it('http: follows redirects to a page with the keyword; records phases and status', async () => {
    const { checks, monitor } = await runMonitor({ url: `${http.url}/chain/2`, keyword: 'OK' });
    expect(checks[0]).toMatchObject({ status: 'up', status_code: 200, error: null });
    expect(checks[0]!.response_time_ms).not.toBeNull();
    expect(checks[0]!.ttfb_ms).not.toBeNull();
    expect(monitor.status).toBe('up');
    expect(monitor.last_response_time_ms).not.toBeNull();
  });

  it('http: a 500 and a missing keyword are down with short error texts', async () => {
    const a = await runMonitor({ url: `${http.url}/status/500` });
    expect(a.checks[0]).toMatchObject({ status: 'down', status_code: 500 });
    expect(a.checks[0]!.error).toMatch(/expected status 200-299, got 500/);
    const b = await runMonitor({ url: `${http.url}/ok`, keyword: 'NOPE' });
    expect(b.checks[0]!.status).toBe('down');
    expect(b.checks[0]!.error).toMatch(/keyword 'NOPE' not found/);
    const c = await runMonitor({ url: `${http.url}/chain/1`, follow_redirects: false });
    expect(c.checks[0]).toMatchObject({ status: 'down', status_code: 302 });
  });

  it('http: a slow answer past the timeout is down with the timeout named', async () => {
    const { checks } = await runMonitor({ url: `${http.url}/slow?ms=2000`, timeout_ms: 300 });
    expect(checks[0]!.status).toBe('down');
    expect(checks[0]!.error).toMatch(/timeout after 300 ms/);
  });

  it('tls: a self-signed certificate is down; a trusted one about to expire opens a minor certificate incident', async () => {
    const self = await startHttpsServer(pki.selfSigned(30));
    closers.push(() => self.close());
    const bad = await runMonitor({ url: `${self.url}/ok` });
    expect(bad.checks[0]!.status).toBe('down');
    expect(bad.checks[0]!.error).toMatch(/certificate/i);

    const expiring = await startHttpsServer(pki.leaf(5));
    closers.push(() => expiring.close());
    const { id, checks, monitor } = await runMonitor({ url: `${expiring.url}/ok`, ssl_expiry_days: 14 });
    expect(checks[0]!.tls_ms).not.toBeNull();
    expect(checks[0]!.cert_expires_at).toBeInstanceOf(Date);
    expect(monitor.cert_expires_at).toBeInstanceOf(Date);
    const incidents = await database.db.selectFrom('incidents').selectAll().where('monitor_id', '=', id).execute();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ kind: 'certificate', severity: 'minor', status: 'investigating' });
    expect(incidents[0]!.title).toMatch(/expires in [45] days/);
    const events = await database.db.selectFrom('incident_events').select('type').where('incident_id', '=', incidents[0]!.id).execute();
    expect(events.map((e) => e.type)).toEqual(['certificate.expiring']);
  });

  it('tcp: an open port is up, a closed one is down with "connection refused"', async () => {
    const server: Server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    const open = await runMonitor({ type: 'tcp', url: null, host: '127.0.0.1', port: (server.address() as AddressInfo).port });
    expect(open.checks[0]!.status).toBe('up');
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const down = await runMonitor({ type: 'tcp', host: '127.0.0.1', port });
    expect(down.checks[0]!.status).toBe('down');
    expect(down.checks[0]!.error).toMatch(/connection refused/);
  });

  it('dns: expected answers are up, others down', async () => {
    const ok = await runMonitor({ type: 'dns', host: 'app.test', dns_record_type: 'A', dns_expected: JSON.stringify(['10.1.2.3']) });
    expect(ok.checks[0]!.status).toBe('up');
    const wrong = await runMonitor({ type: 'dns', host: 'app.test', dns_record_type: 'A', dns_expected: JSON.stringify(['10.9.9.9']) });
    expect(wrong.checks[0]!.status).toBe('down');
  });

  it('heartbeat: no ping within interval + grace opens an incident; a ping resolves it at once', async () => {
    const id = await insertMonitor(database.db, teamId, { type: 'heartbeat', heartbeat_token: randomBytes(16).toString('hex'), heartbeat_grace_seconds: 0, confirmations: 1 });
    await database.db.updateTable('monitors').set({ created_at: new Date(Date.now() - 5_000) } as never).where('id', '=', id).execute();
    await syncMonitorSchedule(queue, { id, enabled: true, interval_seconds: 1 });
    const [incident] = await waitFor(async () => {
      const rows = await database.db.selectFrom('incidents').selectAll().where('monitor_id', '=', id).execute();
      return rows.length ? rows : null;
    });
    const down = await database.db.selectFrom('monitor_checks').selectAll().where('monitor_id', '=', id).executeTakeFirstOrThrow();
    expect(down.error).toMatch(/no heartbeat/);
    // the ping, as POST /api/heartbeat/:token records it
    await database.db.updateTable('monitors').set({ last_heartbeat_at: new Date() }).where('id', '=', id).execute();
    await enqueueCheckNow(queue, id);
    await waitFor(async () => (await database.db.selectFrom('incidents').select('status').where('id', '=', incident!.id).executeTakeFirstOrThrow()).status === 'resolved');
    await syncMonitorSchedule(queue, { id, enabled: false, interval_seconds: 1 });
  });
});
