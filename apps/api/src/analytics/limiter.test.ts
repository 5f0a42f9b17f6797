import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollectLimiter } from './limiter';

const prefix = `sptest:${randomBytes(4).toString('hex')}`;
let redis: Redis;
const connect = async () => {
  const r = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  await r.ping(); // sync() skips while the connection is not ready
  return r;
};
beforeAll(async () => {
  redis = await connect();
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

// A fixed clock inside one window (10-minute windows, so no boundary during the test).
const windowMs = 600_000;
const now = Math.floor(Date.now() / windowMs) * windowMs + 1_000;
const limits = { perIp: 5, perSite: 8, windowMs };

function limiter(conn: Redis) {
  // syncMs large: the test calls sync() itself.
  return new CollectLimiter(conn, prefix, { ...limits }, () => now, 3_600_000);
}

describe('collect rate limiter', () => {
  it('limits per key locally, with Retry-After until the window ends', () => {
    const l = limiter(redis);
    try {
      const ip = Array.from({ length: 7 }, () => l.hit('ip', '198.51.100.1'));
      expect(ip.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
      expect(ip[5]).toBe(Math.ceil((windowMs - 1_000) / 1000));
      expect(ip[6]).toBe(ip[5]);
      expect(l.hit('ip', '198.51.100.2')).toBe(0);
      expect(Array.from({ length: 9 }, () => l.hit('site', 7)).filter((r) => r > 0)).toHaveLength(1);
    } finally {
      l.close();
    }
  });

  it('adds every process\'s counts in Redis and blocks a key over the limit everywhere', async () => {
    const other = await connect();
    const a = limiter(redis);
    const b = limiter(other); // another API process
    try {
      for (let i = 0; i < 3; i++) expect(a.hit('ip', '203.0.113.50')).toBe(0);
      for (let i = 0; i < 3; i++) expect(b.hit('ip', '203.0.113.50')).toBe(0);
      expect(a.hit('site', 99)).toBe(0);
      await a.sync();
      await b.sync(); // learns the global 6 > 5
      expect(b.hit('ip', '203.0.113.50')).toBeGreaterThan(0);
      await a.sync(); // nothing new: the key is not sent again
      expect(a.hit('ip', '203.0.113.50')).toBe(0); // a does not know yet (its last sync saw 3)
      await a.sync();
      expect(a.hit('ip', '203.0.113.50')).toBeGreaterThan(0);
      const window = Math.floor(now / windowMs);
      const key = `${prefix}:analytics:rl:${window}:ip:203.0.113.50`;
      expect(Number(await redis.get(key))).toBe(7);
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(windowMs);
      expect(ttl).toBeLessThanOrEqual(windowMs * 2);
      expect(Number(await redis.get(`${prefix}:analytics:rl:${window}:site:99`))).toBe(1);
    } finally {
      a.close();
      b.close();
      other.disconnect();
    }
  });

  it('syncs thousands of keys in bounded script calls', async () => {
    const l = limiter(redis);
    try {
      for (let i = 0; i < 2_500; i++) l.hit('ip', `10.1.${i >> 8}.${i & 255}`);
      await l.sync();
      const window = Math.floor(now / windowMs);
      const keys = await redis.keys(`${prefix}:analytics:rl:${window}:ip:10.1.*`);
      expect(keys).toHaveLength(2_500);
    } finally {
      l.close();
    }
  });
});
