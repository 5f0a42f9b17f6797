import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pino from 'pino';
import { IngestDrainer } from '@sentrypulse/worker/testing';
import type { TestApp } from './helpers';
import { bearer, createTeam, createUser, type TestUser } from './helpers';

/** The worker's drainer against the test app's database and Redis prefix, for tests and benches. */
export function testDrainer(t: { db: TestApp['db']; config: TestApp['config'] }) {
  const redis = new Redis(t.config.redisUrl);
  const blocking = new Redis(t.config.redisUrl);
  const drainer = new IngestDrainer({ db: t.db, redis, blocking, redisPrefix: t.config.redisPrefix, log: pino({ level: 'silent' }) });
  return {
    drainer,
    /** Flushes the API's buffer to Redis, then drains Redis into pageviews_raw. */
    async drain(app: FastifyInstance) {
      await app.analytics.buffer.flush();
      return drainer.drainAll();
    },
    close() {
      redis.disconnect();
      blocking.disconnect();
    },
  };
}

export interface SiteFixture {
  teamId: number;
  owner: TestUser;
  siteId: number;
  code: string;
}

export async function createSiteFixture(t: TestApp, body: Record<string, unknown> = {}): Promise<SiteFixture> {
  const owner = await createUser(t, 'Owner');
  const teamId = await createTeam(t, owner, 'business');
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/teams/${teamId}/sites`,
    headers: bearer(owner),
    payload: { name: 'Example', domain: 'example.com', ...body },
  });
  if (res.statusCode !== 201) throw new Error(`site not created: ${res.body}`);
  const site = res.json() as { id: number; tracking_code: string };
  return { teamId, owner, siteId: site.id, code: site.tracking_code };
}

export const UA = {
  chromeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  safariIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  safariIpad:
    'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
};

export function collect(app: FastifyInstance, body: unknown, opts: { ip?: string; ua?: string; headers?: Record<string, string>; raw?: string; contentType?: string } = {}) {
  return app.inject({
    method: 'POST',
    url: '/api/analytics/collect',
    headers: {
      'content-type': opts.contentType ?? 'text/plain',
      'user-agent': opts.ua ?? UA.chromeWindows,
      ...(opts.ip ? { 'x-forwarded-for': opts.ip } : {}),
      ...opts.headers,
    },
    payload: opts.raw ?? JSON.stringify(body),
  });
}
