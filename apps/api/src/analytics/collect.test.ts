import { ingestStreamKey } from '@sentrypulse/shared';
import { Redis } from 'ioredis';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers';
import { switchableProxy } from '../../test/switchable-proxy';
import { IngestBuffer } from './buffer';
import { DROPPED_HEADER } from './collect';
import { DEFAULT_COLLECT_LIMITS } from './limiter';
import { collect, createSiteFixture, testDrainer, UA, type SiteFixture } from '../../test/analytics';

let t: TestApp;
let site: SiteFixture;
let drain: ReturnType<typeof testDrainer>;
let redis: Redis;

beforeAll(async () => {
  t = await createTestApp();
  site = await createSiteFixture(t);
  drain = testDrainer(t);
  redis = new Redis(t.config.redisUrl);
});
afterAll(async () => {
  drain.close();
  redis.disconnect();
  await t.close();
});
beforeEach(() => {
  t.app.analytics.limiter.limits = { ...DEFAULT_COLLECT_LIMITS };
});

async function rawCount() {
  await drain.drain(t.app);
  const r = await t.db.selectFrom('pageviews_raw').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

const ok = () => ({ site: site.code, name: 'pageview', url: 'https://example.com/' });

/** Sends a bad request and checks the problem+json answer and that nothing was stored. */
async function expectRefused(res: Awaited<ReturnType<typeof collect>>, status: number, detail: RegExp, before: number) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.json()).toMatchObject({ status });
  expect(res.json().detail).toMatch(detail);
  expect(t.app.analytics.buffer.size).toBe(0);
  expect(await rawCount()).toBe(before);
}

describe('collect: accepted events', () => {
  it('answers 202 to a text/plain pageview and stores it once drained', async () => {
    const before = await rawCount();
    const res = await collect(t.app, ok());
    expect(res.statusCode).toBe(202);
    expect(res.body).toBe('');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(await rawCount()).toBe(before + 1);
  });

  it('accepts application/json too', async () => {
    const before = await rawCount();
    const res = await collect(t.app, { ...ok(), name: 'signup', props: { plan: 'pro', seats: 3, trial: true } }, { contentType: 'application/json' });
    expect(res.statusCode).toBe(202);
    expect(await rawCount()).toBe(before + 1);
    const row = await t.db.selectFrom('pageviews_raw').select(['props']).where('name', '=', 'signup').executeTakeFirstOrThrow();
    // mysql2 may hand the JSON column back parsed (MariaDB marks it as JSON).
    const props: unknown = row.props;
    expect(typeof props === 'string' ? JSON.parse(props) : props).toEqual([
      ['plan', 'pro'],
      ['seats', '3'],
      ['trial', 'true'],
    ]);
  });

  it('caps a long pathname at 2,000 characters and never stores the IP', async () => {
    const res = await collect(t.app, { ...ok(), url: `https://example.com/${'p'.repeat(3_000)}`, referrer: `https://ref.org/${'r'.repeat(3_000)}` }, { ip: '198.51.100.77' });
    expect(res.statusCode).toBe(202);
    await rawCount();
    const row = await t.db.selectFrom('pageviews_raw').selectAll().where('referrer_source', '=', 'ref.org').executeTakeFirstOrThrow();
    expect(row.pathname).toHaveLength(2_000);
    expect(JSON.stringify(Object.values(row).map(String))).not.toContain('198.51.100.77');
  });

  it('drops bots with 202 and a header saying so, storing nothing', async () => {
    const before = await rawCount();
    for (const ua of [UA.googlebot, 'curl/8.0', '']) {
      const res = await collect(t.app, ok(), { ua });
      expect(res.statusCode).toBe(202);
      expect(res.headers[DROPPED_HEADER]).toBe('bot');
    }
    expect(await rawCount()).toBe(before);
  });

  it('honours Do-Not-Track only where the site enables it', async () => {
    const dnt = await createSiteFixture(t, { domain: 'dnt.example.org', respect_dnt: true });
    const before = await rawCount();
    const dropped = await collect(t.app, { site: dnt.code, name: 'pageview', url: 'https://dnt.example.org/' }, { headers: { dnt: '1' } });
    expect(dropped.statusCode).toBe(202);
    expect(dropped.headers[DROPPED_HEADER]).toBe('dnt');
    const kept = await collect(t.app, ok(), { headers: { dnt: '1' } });
    expect(kept.statusCode).toBe(202);
    expect(kept.headers[DROPPED_HEADER]).toBeUndefined();
    expect(await rawCount()).toBe(before + 1);
  });

  it('takes the client IP from X-Forwarded-For behind the trusted proxy (two IPs, two visitors)', async () => {
    const s = await createSiteFixture(t, { domain: 'xff.example.net' });
    const body = { site: s.code, name: 'pageview', url: 'https://xff.example.net/' };
    await collect(t.app, body, { ip: '8.8.8.8' });
    await collect(t.app, body, { ip: '81.2.69.142' });
    await rawCount();
    const rows = await t.db.selectFrom('pageviews_raw').select(['visitor_id', 'country']).where('site_id', '=', s.siteId).orderBy('country').execute();
    expect(rows.map((r) => r.country)).toEqual(['GB', 'US']);
    expect(rows[0]!.visitor_id.equals(rows[1]!.visitor_id)).toBe(false);
  });
});

describe('collect: its own context (ADR 0035)', () => {
  it('is timed in the request histogram, listed as public, documented, and keeps its headers', async () => {
    const res = await collect(t.app, ok());
    expect(res.statusCode).toBe(202);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/^sentrypulse_http_request_duration_seconds_count\{method="POST",route="\/api\/analytics\/collect",status_code="202"\} [1-9]/m);
    expect(t.app.routeCatalog).toContainEqual({ method: 'POST', url: '/api/analytics/collect', permission: undefined, public: true });
    const doc = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(Object.keys(doc.json().paths)).toContain('/api/analytics/collect');
    expect(Object.keys(doc.json().paths)).toContain('/tracker.js');
  });
});

describe('collect: the client IP', () => {
  it('ignores X-Forwarded-For when the request did not come through a trusted proxy', async () => {
    const direct = await createTestApp({ TRUST_PROXY: 'false' });
    try {
      const s = await createSiteFixture(direct);
      const body = { site: s.code, name: 'pageview', url: 'https://example.com/' };
      await collect(direct.app, body, { ip: '8.8.8.8' });
      await collect(direct.app, body, { ip: '81.2.69.142' });
      const d = testDrainer(direct);
      await d.drain(direct.app);
      d.close();
      const rows = await direct.db.selectFrom('pageviews_raw').select(['visitor_id', 'country']).execute();
      expect(rows).toHaveLength(2);
      // Both counted as the socket's address (127.0.0.1): one visitor, no country.
      expect(rows[0]!.visitor_id.equals(rows[1]!.visitor_id)).toBe(true);
      expect(rows.map((r) => r.country)).toEqual(['', '']);
    } finally {
      await direct.close();
    }
  });
});

describe('collect: bad input answers a clear 4xx and stores nothing', () => {
  it('unknown site', async () => {
    const before = await rawCount();
    await expectRefused(await collect(t.app, { ...ok(), site: 'sp_doesnotexist' }), 404, /tracking code/, before);
  });

  it('disabled site', async () => {
    const off = await createSiteFixture(t, { domain: 'off.example.org', enabled: false });
    const before = await rawCount();
    await expectRefused(await collect(t.app, { site: off.code, name: 'pageview', url: 'https://off.example.org/' }), 403, /disabled/, before);
  });

  it('bad JSON as text/plain', async () => {
    const before = await rawCount();
    await expectRefused(await collect(t.app, null, { raw: '{"site": ' }), 400, /not valid JSON/, before);
  });

  it('bad JSON as application/json', async () => {
    const before = await rawCount();
    await expectRefused(await collect(t.app, null, { raw: '{oops', contentType: 'application/json' }), 400, /JSON/, before);
  });

  it('a body over 8 KB', async () => {
    const before = await rawCount();
    const big = { ...ok(), name: 'e', props: { a: 'x'.repeat(500), b: 'x'.repeat(500) }, url: `https://example.com/${'x'.repeat(3_900)}`, referrer: `https://r.org/${'y'.repeat(3_900)}` };
    expect(JSON.stringify(big).length).toBeGreaterThan(8 * 1024);
    await expectRefused(await collect(t.app, big), 413, /larger/, before);
  });

  it('a URL on another domain', async () => {
    const before = await rawCount();
    await expectRefused(await collect(t.app, { ...ok(), url: 'https://evil.com/x' }), 400, /not this site's domain/, before);
  });

  it.each(['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>'])('a %s page URL', async (url) => {
    const before = await rawCount();
    await expectRefused(await collect(t.app, { ...ok(), url }), 400, /refused/, before);
  });

  it('a javascript: referrer', async () => {
    const before = await rawCount();
    await expectRefused(await collect(t.app, { ...ok(), referrer: 'javascript:alert(1)' }), 400, /referrer/, before);
  });

  it('a malformed URL', async () => {
    const before = await rawCount();
    await expectRefused(await collect(t.app, { ...ok(), url: 'not a url' }), 400, /not a valid absolute URL/, before);
  });

  it.each([
    [{ name: 'pageview', url: 'https://example.com/' }, /site/],
    [{ site: 'x', url: 'https://example.com/' }, /name/],
    [{ site: 'x', name: 'pageview' }, /url/],
    [{ site: 'x', name: 'n'.repeat(121), url: 'https://example.com/' }, /name/],
    [{ site: 'x', name: 'e', url: 'https://example.com/', width: -1 }, /width/],
    [{ site: 'x', name: 'e', url: 'https://example.com/', props: { a: { nested: true } } }, /props/],
    [{ site: 'x', name: 'e', url: 'https://example.com/', props: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, i])) }, /props/],
    [[1, 2], /body/],
  ])('schema violation %#', async (body, path) => {
    const before = await rawCount();
    const res = await collect(t.app, body);
    await expectRefused(res, 400, path, before);
    expect(res.json().errors.length).toBeGreaterThan(0);
  });

  it('an unsupported content type', async () => {
    const before = await rawCount();
    await expectRefused(await collect(t.app, ok(), { contentType: 'application/x-www-form-urlencoded', raw: 'a=b' }), 415, /Content-Type/, before);
  });

  it('no content type at all', async () => {
    const before = await rawCount();
    const res = await t.app.inject({ method: 'POST', url: '/api/analytics/collect', payload: Buffer.from(JSON.stringify(ok())), headers: { 'user-agent': UA.chromeWindows } });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(await rawCount()).toBe(before);
  });

  it('a JSON body that is not an object', async () => {
    const before = await rawCount();
    await expectRefused(await collect(t.app, null, { raw: '"pageview"' }), 400, /body/, before);
  });

  it('an empty text/plain body', async () => {
    const before = await rawCount();
    const res = await collect(t.app, null, { raw: '' });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(await rawCount()).toBe(before);
  });
});

describe('collect: rate limits', () => {
  it('never limits an office NAT sending 60 events in a second', async () => {
    const before = await rawCount();
    const codes = await Promise.all(Array.from({ length: 60 }, () => collect(t.app, ok(), { ip: '203.0.113.10' }).then((r) => r.statusCode)));
    expect(codes.every((c) => c === 202)).toBe(true);
    expect(await rawCount()).toBe(before + 60);
  });

  it('answers 429 with Retry-After past the per-IP limit, and other IPs go on', async () => {
    // A 10-minute window, so a window boundary cannot fall inside the test.
    t.app.analytics.limiter.limits = { ...DEFAULT_COLLECT_LIMITS, perIp: 5, windowMs: 600_000 };
    const before = await rawCount();
    const codes = [];
    for (let i = 0; i < 7; i++) codes.push((await collect(t.app, ok(), { ip: '203.0.113.20' })).statusCode);
    const limited = await collect(t.app, ok(), { ip: '203.0.113.20' });
    expect(codes.filter((c) => c === 202)).toHaveLength(5);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ status: 429, title: 'Too many requests' });
    expect((await collect(t.app, ok(), { ip: '203.0.113.21' })).statusCode).toBe(202);
    expect(await rawCount()).toBe(before + 6);
  });

  it('limits per site', async () => {
    const s = await createSiteFixture(t, { domain: 'busy.example.org' });
    t.app.analytics.limiter.limits = { ...DEFAULT_COLLECT_LIMITS, perSite: 3, windowMs: 600_000 };
    const body = { site: s.code, name: 'pageview', url: 'https://busy.example.org/' };
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await collect(t.app, body, { ip: `203.0.113.${30 + i}` })).statusCode);
    expect(codes).toEqual([202, 202, 202, 429, 429]);
  });
});

describe('ingest durability', () => {
  it('flushes buffered events to Redis when the API closes, where a worker picks them up', async () => {
    const other = await createTestApp();
    const s = await createSiteFixture(other);
    for (let i = 0; i < 5; i++) expect((await collect(other.app, { site: s.code, name: 'pageview', url: 'https://example.com/' })).statusCode).toBe(202);
    const key = ingestStreamKey(other.config.redisPrefix);
    await other.app.close(); // graceful shutdown: onClose flushes
    const entries = await redis.xrange(key, '-', '+');
    const events = entries.flatMap(([, f]) => JSON.parse(f[1]!) as unknown[]);
    expect(events).toHaveLength(5);
    const d = testDrainer(other);
    expect(await d.drainer.drainAll()).toBe(5);
    d.close();
    const n = await other.db.selectFrom('pageviews_raw').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(5);
    await other.database.drop();
    await redis.del(key);
  });
});

describe('ingest buffer while Redis is away', () => {
  async function until(what: string, cond: () => boolean, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('holds accepted events in the process, answers 503 once full, and writes every held event when Redis returns', async () => {
    // The buffer's Redis connection goes through a forwarder the test switches off and on (the
    // options are the plugin's: no offline queue, so every XADD fails at once while Redis is away).
    const url = new URL(t.config.redisUrl);
    const proxy = await switchableProxy({ host: url.hostname, port: Number(url.port || 6379) });
    const away = new Redis({ host: '127.0.0.1', port: proxy.port, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, lazyConnect: true });
    away.on('error', () => undefined);
    await away.connect();
    await proxy.off();
    await until('the connection noticed Redis is away', () => away.status !== 'ready');
    const original = t.app.analytics.buffer;
    const buffer = new IngestBuffer(away, t.app.log, { streamKey: ingestStreamKey(t.config.redisPrefix), maxBuffered: 5, intervalMs: 10 });
    t.app.analytics.buffer = buffer;
    try {
      const before = await rawCount();
      for (let i = 0; i < 5; i++) expect((await collect(t.app, { ...ok(), url: `https://example.com/away/${i}` }, { ip: '198.51.100.70' })).statusCode).toBe(202);
      await until('the first flush failed and put the events back', () => buffer.size === 5);
      expect(buffer.written).toBe(0);

      const full = await collect(t.app, { ...ok(), url: 'https://example.com/away/refused' }, { ip: '198.51.100.70' });
      expect(full.statusCode).toBe(503);
      expect(full.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(full.json().detail).toBe('Ingest is backed up; retry shortly.');
      expect(buffer.size).toBe(5); // refused, not accepted and dropped

      // Redis returns: the buffer's retry (backoff, at most 5 s) writes all five.
      await proxy.on();
      await until('the held events were written', () => buffer.written === 5 && buffer.size === 0);
      expect(await rawCount()).toBe(before + 5);
      const paths = await t.db.selectFrom('pageviews_raw').select('pathname').where('pathname', 'like', '/away/%').orderBy('pathname').execute();
      expect(paths.map((p) => p.pathname)).toEqual(['/away/0', '/away/1', '/away/2', '/away/3', '/away/4']);
      // No longer full: collect accepts again.
      expect((await collect(t.app, { ...ok(), url: 'https://example.com/away/5' }, { ip: '198.51.100.70' })).statusCode).toBe(202);
      expect(await rawCount()).toBe(before + 6);
    } finally {
      t.app.analytics.buffer = original;
      await buffer.close(1_000);
      away.disconnect();
      await proxy.close();
    }
  });
});

describe('GET /tracker.js', () => {
  it('serves the script with long cache headers, an ETag, and gzip when accepted', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/tracker.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(res.statusCode).toBe(200);
    expect(gunzipSync(res.rawPayload).toString()).toContain('sendBeacon');
    expect(res.rawPayload.length).toBeLessThan(1024);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['content-type']).toContain('javascript');
    expect(res.headers['cache-control']).toMatch(/max-age=\d{5,}/);
    expect(res.headers['content-encoding']).toBe('gzip');
    const etag = String(res.headers.etag);
    const again = await t.app.inject({ method: 'GET', url: '/tracker.js', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    const plain = await t.app.inject({ method: 'GET', url: '/tracker.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(100);
  });
});
