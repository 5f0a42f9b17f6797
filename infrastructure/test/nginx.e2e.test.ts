import { sql } from '@sentrypulse/db';
import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/compose';
import { raw } from './support/http';
import { startNginx, type RunningNginx } from './support/nginx';
import { freePort, startApi, startWeb, startWorker, waitForHttp, WEB_BUILD_ID, type Proc } from './support/processes';

// The whole product behind the real nginx config: two api processes, a worker and (when built)
// the Next.js app, each started the way production starts it, against a fresh database and Redis
// prefix, with Debian's nginx running nginx/templates/sentrypulse.conf.template on 127.0.0.1.
// Clients on other loopback addresses (127.0.0.5, ...) stand in for visitors on the internet.

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `sptest:${randomBytes(4).toString('hex')}`;

let database: TestDatabase;
let nginx: RunningNginx;
let api1: Proc;
let api2: Proc;
let worker: Proc;
let web: Proc;
let apiPorts: number[];
let workerPort: number;
const procs: Proc[] = [];

const JWT_SECRET = randomBytesHex(32);
const ENCRYPTION_KEY = randomBytesHex(32);
function randomBytesHex(n: number) {
  return randomBytes(n).toString('hex');
}

/** Production mode, as the containers run; secrets shared by every process of the test. */
function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    JWT_SECRET,
    ENCRYPTION_KEY,
    // The api trusts forwarded headers from nginx's address only (it connects from 127.0.0.1).
    TRUST_PROXY: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** The api log line for one request, found by the request id nginx generated and forwarded. */
function apiRequestLog(requestId: string) {
  for (const p of [api1, api2]) {
    const line = p.logs().find((l) => l.reqId === requestId && l.msg === 'incoming request');
    if (line) return { instance: p.name, ip: line.req?.remoteAddress as string };
  }
  return undefined;
}

async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  // scripts/test.sh runs `pnpm -r build` before the tests; a missing build is a setup error.
  if (!existsSync(WEB_BUILD_ID)) throw new Error('apps/web is not built: run `pnpm -r --if-present build` first');
  database = await createTestDatabase('nginx');
  apiPorts = [await freePort(), await freePort()];
  workerPort = await freePort();
  const webPort = await freePort();
  const nginxPort = await freePort();
  const urls = { PUBLIC_URL: `http://127.0.0.1:${nginxPort}`, API_PUBLIC_URL: `http://127.0.0.1:${nginxPort}` };
  api1 = startApi(env({ ...urls, API_HOST: '127.0.0.1', API_PORT: String(apiPorts[0]) }), 'api-1');
  api2 = startApi(env({ ...urls, API_HOST: '127.0.0.1', API_PORT: String(apiPorts[1]) }), 'api-2');
  worker = startWorker(env({ ...urls, WORKER_PORT: String(workerPort) }));
  procs.push(api1, api2, worker);
  web = startWeb({ NODE_ENV: 'production', API_INTERNAL_URL: `http://127.0.0.1:${apiPorts[0]}`, HOSTNAME: '127.0.0.1' }, webPort);
  procs.push(web);
  await Promise.all([
    waitForHttp(`http://127.0.0.1:${apiPorts[0]}/api/health`, api1),
    waitForHttp(`http://127.0.0.1:${apiPorts[1]}/api/health`, api2),
    waitForHttp(`http://127.0.0.1:${workerPort}/health`, worker),
    waitForHttp(`http://127.0.0.1:${webPort}/login`, web, { timeoutMs: 90_000 }),
  ]);
  nginx = await startNginx({
    api: apiPorts.map((p) => `127.0.0.1:${p}`),
    web: [`127.0.0.1:${webPort}`],
    collectRate: '10r/s',
    collectBurst: 10,
    port: nginxPort,
  });
});

afterAll(async () => {
  await nginx?.stop();
  const codes = await Promise.all(procs.map((p) => p.stop()));
  // Graceful shutdown on SIGTERM is part of the contract: the api and worker drain and exit 0;
  // `next start` exits with 128+SIGTERM by design, within the grace period.
  expect(codes).toEqual(procs.map((p) => (p.name === 'web' ? 143 : 0)));
  await database?.drop();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('health and routing through nginx', () => {
  it('proxies liveness and readiness to the api', async () => {
    const health = await raw(`${nginx.base}/api/health`);
    expect(health.status).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await raw(`${nginx.base}/api/ready`);
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', mysql: true, redis: true });
  });

  it('forwards its request id, so one id ties the access log to the api log', async () => {
    const res = await raw(`${nginx.base}/api/health`);
    const id = res.headers['x-request-id'] as string;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const [line] = await nginx.logLines((l) => l.request_id === id);
    expect(line).toMatchObject({ status: 200, uri: '/api/health', method: 'GET' });
    expect(await waitFor(() => apiRequestLog(id))).toBeDefined();
  });

  it('balances over both api instances with keep-alive upstream connections', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await raw(`${nginx.base}/api/health`)).headers['x-request-id'] as string);
    const seen = await Promise.all(ids.map((id) => waitFor(() => apiRequestLog(id))));
    const instances = new Set(seen.map((s) => s.instance));
    expect(instances).toEqual(new Set(['api-1', 'api-2']));
    const lines = await nginx.logLines((l) => ids.includes(l.request_id), ids.length);
    const upstreams = new Set(lines.map((l) => l.upstream_addr));
    expect(upstreams).toEqual(new Set(apiPorts.map((p) => `127.0.0.1:${p}`)));
  });

  it('keeps the api metrics endpoint off the public side', async () => {
    expect((await raw(`${nginx.base}/metrics`)).status).toBe(404);
    const direct = await raw(`http://127.0.0.1:${apiPorts[0]}/metrics`);
    expect(direct.status).toBe(200);
    expect(direct.text()).toMatch(/sentrypulse_http_request_duration_seconds_count\{method="GET",route="\/api\/health",status_code="200"\} \d+/);
    const workerMetrics = await raw(`http://127.0.0.1:${workerPort}/metrics`);
    expect(workerMetrics.status).toBe(200);
    expect(workerMetrics.text()).toContain('sentrypulse_checks_run_total');

    // Every metric the shipped alert rules use is one the processes really expose.
    const exposed = new Set<string>();
    for (const text of [direct.text(), workerMetrics.text()]) {
      for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
        exposed.add(m[1]!);
        if (m[2] === 'histogram') for (const suffix of ['_bucket', '_count', '_sum']) exposed.add(m[1]! + suffix);
      }
    }
    const alerts = readFileSync(join(ROOT, 'infrastructure/prometheus/alerts.yml'), 'utf8');
    const used = new Set([...alerts.matchAll(/\bsentrypulse_[a-z0-9_]+/g)].map((m) => m[0]));
    expect(used.size).toBeGreaterThanOrEqual(6);
    expect([...used].filter((name) => !exposed.has(name))).toEqual([]);
  });

  it('answers problem+json itself when no api instance is reachable', async () => {
    const down = await startNginx({ api: ['127.0.0.1:9'], web: ['127.0.0.1:9'] });
    try {
      const res = await raw(`${down.base}/api/health`);
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.headers['retry-after']).toBe('5');
      expect(res.json()).toMatchObject({ status: 503, title: 'Service unavailable' });
      // An error in place of tracker.js is never cached by browsers.
      const tracker = await raw(`${down.base}/tracker.js`);
      expect(tracker.status).toBeGreaterThanOrEqual(500);
      expect(tracker.headers['cache-control']).toBe('no-store');
    } finally {
      await down.stop();
    }
  });
});

describe('client IP: forwarded by nginx, trusted only from nginx', () => {
  it('gives the api the address nginx saw, ignoring headers the client forged', async () => {
    const res = await raw(`${nginx.base}/api/health`, {
      localAddress: '127.0.0.5',
      headers: { 'x-forwarded-for': '203.0.113.9', 'x-real-ip': '203.0.113.10', forwarded: 'for=203.0.113.11' },
    });
    expect(res.status).toBe(200);
    const seen = await waitFor(() => apiRequestLog(res.headers['x-request-id'] as string));
    expect(seen.ip).toBe('127.0.0.5');
    const [line] = await nginx.logLines((l) => l.request_id === res.headers['x-request-id']);
    expect(line!.remote_addr).toBe('127.0.0.5');
  });

  it('does not trust X-Forwarded-For from anyone but the proxy', async () => {
    // Straight to the api from another address: the forged header is ignored.
    const direct = await raw(`http://127.0.0.1:${apiPorts[0]}/api/health`, {
      localAddress: '127.0.0.7',
      headers: { 'x-forwarded-for': '203.0.113.9', 'x-request-id': 'direct-from-stranger' },
    });
    expect(direct.status).toBe(200);
    expect((await waitFor(() => apiRequestLog('direct-from-stranger'))).ip).toBe('127.0.0.7');
    // From the proxy's own address the header is believed: trust is about the peer.
    const viaProxyAddress = await raw(`http://127.0.0.1:${apiPorts[0]}/api/health`, {
      localAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': '203.0.113.9', 'x-request-id': 'direct-from-proxy-address' },
    });
    expect(viaProxyAddress.status).toBe(200);
    expect((await waitFor(() => apiRequestLog('direct-from-proxy-address'))).ip).toBe('203.0.113.9');
  });
});

describe('compression, caching, limits and headers', () => {
  it('compresses JSON with gzip (and brotli where the module is installed)', async () => {
    const plain = await raw(`${nginx.base}/api/docs/json`);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const gz = await raw(`${nginx.base}/api/docs/json`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toContain('Accept-Encoding');
    expect(gz.body.length).toBeLessThan(plain.body.length / 3);
    expect(JSON.parse(gunzipSync(gz.body).toString('utf8'))).toEqual(plain.json());
    const br = await raw(`${nginx.base}/api/docs/json`, { headers: { 'accept-encoding': 'br' } });
    if (nginx.brotli) {
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.body.length).toBeLessThan(gz.body.length);
      expect(JSON.parse(brotliDecompressSync(br.body).toString('utf8'))).toEqual(plain.json());
    } else {
      // Without the module the client gets the identity encoding, never a broken one.
      expect(br.headers['content-encoding']).toBeUndefined();
      expect(br.json()).toEqual(plain.json());
    }
  });

  it('serves /tracker.js from the api, gzipped, cached a day by browsers and a minute by nginx', async () => {
    const first = await raw(`${nginx.base}/tracker.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(first.status).toBe(200);
    // Only the api sets x-request-id: the response came from it, not from the web app.
    expect(first.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(first.headers['content-type']).toContain('javascript');
    expect(first.headers['cache-control']).toBe('public, max-age=86400, stale-while-revalidate=604800');
    expect(first.headers['content-encoding']).toBe('gzip');
    expect(first.headers['access-control-allow-origin']).toBe('*');
    const script = gunzipSync(first.body).toString('utf8');
    expect(script.length).toBeGreaterThan(500);
    expect(script).toContain('/api/analytics/collect');
    const second = await raw(`${nginx.base}/tracker.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(second.headers['x-cache-status']).toBe('HIT');
    expect(second.body.equals(first.body)).toBe(true);
    // A client without gzip gets the plain script (its own cache entry, per Vary).
    const plain = await raw(`${nginx.base}/tracker.js`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.text()).toBe(script);
  });

  it('refuses oversized bodies at the proxy with 413 problem+json', async () => {
    const big = JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(2 * 1024 * 1024) });
    const res = await raw(`${nginx.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.json()).toMatchObject({ status: 413, title: 'Payload too large' });
    const collect = await raw(`${nginx.base}/api/analytics/collect`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ site: 'x', name: 'pageview', url: `https://example.com/${'a'.repeat(20_000)}` }),
      localAddress: '127.0.0.11',
    });
    expect(collect.status).toBe(413);
  });

  it('sends security headers once each, and no nginx version', async () => {
    for (const path of ['/api/health', '/nginx-health', '/api/nope']) {
      const res = await raw(`${nginx.base}${path}`);
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
      expect(typeof res.headers['referrer-policy'], path).toBe('string');
      expect(res.headers['referrer-policy'], path).not.toContain(',');
      expect(res.headers.server, path).toBe('nginx');
    }
    // The api's own (helmet) headers pass through untouched rather than doubled.
    const api = await raw(`${nginx.base}/api/health`);
    expect(api.headers['referrer-policy']).toBe('no-referrer');
    expect(api.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});

describe('analytics through the proxy', () => {
  let token: string;
  let teamId: number;
  let trackingCode: string;
  let siteId: number;

  beforeAll(async () => {
    const email = `ops${randomBytesHex(3)}@example.test`;
    const reg = await raw(`${nginx.base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ops', email, password: 'correct horse battery staple' }),
    });
    expect(reg.status).toBe(201);
    token = reg.json().access_token;
    teamId = reg.json().team.id;
    const site = await raw(`${nginx.base}/api/teams/${teamId}/sites`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'Example', domain: 'example.com' }),
    });
    expect(site.status).toBe(201);
    trackingCode = site.json().tracking_code;
    siteId = site.json().id;
  });

  it('gzips the public status page, which next start sends uncompressed (no-transform, ADR 0151)', async () => {
    const slug = `nginx-${randomBytesHex(3)}`;
    const created = await raw(`${nginx.base}/api/teams/${teamId}/status-pages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ slug, title: 'Nginx status' }),
    });
    expect(created.status).toBe(201);
    const plain = await raw(`${nginx.base}/status/${slug}`);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const gz = await raw(`${nginx.base}/status/${slug}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toMatch(/accept-encoding/i);
    expect(gunzipSync(gz.body).toString('utf8')).toContain('Nginx status');
    expect(gz.body.length).toBeLessThan(plain.body.length / 2);
  });

  const collect = (localAddress: string, headers: Record<string, string> = {}, site = trackingCode) =>
    raw(`${nginx.base}/api/analytics/collect`, {
      method: 'POST',
      localAddress,
      headers: { 'content-type': 'text/plain', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', ...headers },
      body: JSON.stringify({ site, name: 'pageview', url: 'https://example.com/pricing', width: 1280 }),
    });

  it('counts visitors by the client address nginx forwarded, not by forged headers', async () => {
    // Same browser from two addresses = two visitors; a forged X-Forwarded-For from the first
    // address must not turn it into a third.
    expect((await collect('127.0.0.5')).status).toBe(202);
    expect((await collect('127.0.0.6')).status).toBe(202);
    expect((await collect('127.0.0.5', { 'x-forwarded-for': '198.51.100.7', 'x-real-ip': '198.51.100.8' })).status).toBe(202);

    const counts = await waitFor(async () => {
      const row = await sql<{ n: number; visitors: number }>`
        SELECT COUNT(*) AS n, COUNT(DISTINCT visitor_id) AS visitors FROM pageviews_raw WHERE site_id = ${siteId}`.execute(database.db);
      const r = row.rows[0]!;
      return Number(r.n) >= 3 ? { n: Number(r.n), visitors: Number(r.visitors) } : undefined;
    }, 30_000);
    expect(counts).toEqual({ n: 3, visitors: 2 });
  });

  it('rate-limits collect per client address at the proxy, leaving other clients alone', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, () => collect('127.0.0.9', {}, 'no-such-site')));
    const statuses = results.map((r) => r.status);
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    // The ones let through reached the api (unknown site), the rest were stopped by nginx.
    expect(statuses.filter((s) => s !== 429).every((s) => s === 404)).toBe(true);
    expect(limited[0]!.headers['content-type']).toBe('application/problem+json');
    expect(limited[0]!.json()).toMatchObject({ status: 429, title: 'Too many requests' });
    expect(limited[0]!.headers['retry-after']).toBe('1');
    // Another visitor at the same moment is unaffected.
    expect((await collect('127.0.0.10', {}, 'no-such-site')).status).toBe(404);
  });

  it('signs in through the proxy as the dashboard does', async () => {
    const me = await raw(`${nginx.base}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(me.json().teams[0].id).toBe(teamId);
  });
});

describe('the dashboard through the proxy', () => {
  it('serves pages from the web app, and its hashed assets with a year of cache', async () => {
    const page = await raw(`${nginx.base}/login`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    // The web app answered (Next.js), not the api.
    expect(page.headers['x-request-id']).toBeUndefined();
    const asset = /\/_next\/static\/[^"'\s]+\.(?:js|css)/.exec(page.text());
    expect(asset).not.toBeNull();
    const res = await raw(`${nginx.base}${asset![0]}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-encoding']).toBe('gzip');
  });

  it('serves a public status page: the JSON from the api and the page rendered by the web app', async () => {
    const email = `status${randomBytesHex(3)}@example.test`;
    const reg = await raw(`${nginx.base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Status', email, password: 'correct horse battery staple' }),
    });
    expect(reg.status).toBe(201);
    const auth = { 'content-type': 'application/json', authorization: `Bearer ${reg.json().access_token}` };
    const teamId = reg.json().team.id as number;
    // A heartbeat monitor: nothing for the worker to fetch, so no traffic leaves the machine.
    const monitor = await raw(`${nginx.base}/api/teams/${teamId}/monitors`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'Nightly backup', type: 'heartbeat', interval_seconds: 3600 }),
    });
    expect(monitor.status, monitor.text()).toBe(201);
    const slug = `ops-${randomBytesHex(3)}`;
    const page = await raw(`${nginx.base}/api/teams/${teamId}/status-pages`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ slug, title: 'Acme <Status>', components: [{ name: 'Backups', monitor_id: monitor.json().id }] }),
    });
    expect(page.status, page.text()).toBe(201);

    const json = await raw(`${nginx.base}/api/public/status-pages/${slug}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(json.status).toBe(200);
    const body = JSON.parse((json.headers['content-encoding'] === 'gzip' ? gunzipSync(json.body) : json.body).toString('utf8'));
    expect(body.title).toBe('Acme <Status>');
    expect(body.components.map((c: { name: string }) => c.name)).toEqual(['Backups']);

    const html = await raw(`${nginx.base}/status/${slug}`);
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toContain('text/html');
    // Rendered server-side (works without JavaScript), with the title escaped.
    expect(html.text()).toContain('Acme &lt;Status&gt;');
    expect(html.text()).toContain('Backups');
    expect(html.text()).not.toContain('Acme <Status>');
  });

  it('logs a user in, in a real browser, with every call going through nginx', async () => {
    const email = `browser${randomBytesHex(3)}@example.test`;
    const password = 'correct horse battery staple';
    const reg = await raw(`${nginx.base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Browser', email, password }),
    });
    expect(reg.status).toBe(201);

    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${nginx.base}/login`);
      await page.fill('input[name=email]', email);
      await page.fill('input[name=password]', password);
      const login = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
      await page.click('button[type=submit]');
      expect((await login).status()).toBe(200);
      await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 20_000 });
    } finally {
      await browser.close();
    }
    const logged = await nginx.logLines((l) => l.uri === '/api/auth/login' && l.method === 'POST');
    expect(logged.at(-1)?.status).toBe(200);
    expect(apiPorts.map((p) => `127.0.0.1:${p}`)).toContain(logged.at(-1)?.upstream_addr);
  });
});
