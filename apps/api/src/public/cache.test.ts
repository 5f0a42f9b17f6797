import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteRedisPrefix } from '../../test/helpers';
import { PublicCache, type Loader } from './cache';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `sptest:cache:${randomBytes(4).toString('hex')}`;
const redis = new Redis(REDIS_URL);

afterAll(async () => {
  redis.disconnect();
  await deleteRedisPrefix(REDIS_URL, prefix);
});

/** A loader that counts its renders (each one stands for a build from MySQL). */
function counting(): Loader<null> & { renders: number } {
  const l = {
    renders: 0,
    locate: async () => ({ teamId: 1, page: null }),
    render: async () => {
      l.renders += 1;
      return { contentType: 'application/json', body: JSON.stringify({ n: l.renders, pad: 'x'.repeat(2000) }) };
    },
  };
  return l;
}

describe('PublicCache enabled flag (bench:status baseline)', () => {
  it('on: a second request within the local TTL is served without rendering again', async () => {
    const cache = new PublicCache(redis, `${prefix}:on`);
    const loader = counting();
    await cache.get('page', 'json', loader);
    const again = await cache.get('page', 'json', loader);
    expect(loader.renders).toBe(1);
    expect(JSON.parse(again.body.toString()).n).toBe(1);
  });

  it('off: every request renders, is gzipped like a cached one, and nothing is stored in Redis', async () => {
    const cache = new PublicCache(redis, `${prefix}:off`, Date.now, { enabled: false });
    const loader = counting();
    const first = await cache.get('page', 'json', loader);
    const second = await cache.get('page', 'json', loader);
    expect(loader.renders).toBe(2);
    expect(JSON.parse(second.body.toString()).n).toBe(2);
    expect(first.status).toBe(200);
    expect(first.gzip).not.toBeNull();
    expect(await redis.keys(`${prefix}:off*`)).toEqual([]);
  });
});
