import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Salts } from './visitor';

const prefix = `sptest:${randomBytes(4).toString('hex')}`;
let redis: Redis;
beforeAll(() => {
  redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('daily salts', () => {
  it('creates one salt per UTC day, shared by every process, expiring 35 min into the next day', async () => {
    const now = Date.now();
    const today = new Date(now).toISOString().slice(0, 10);
    const a = new Salts(redis, prefix);
    const b = new Salts(redis, prefix); // another API process
    const [sa, sb] = await Promise.all([a.forInstant(now), b.forInstant(now)]);
    expect(sa.today.equals(sb.today)).toBe(true);
    expect(sa.today).toHaveLength(32);
    const expireAt = await redis.expiretime(`${prefix}:analytics:salt:${today}`);
    expect(expireAt * 1000).toBe(Date.parse(`${today}T00:00:00Z`) + 86_400_000 + 35 * 60_000);
  });

  it('rotates at 00:00 UTC and hands out yesterday\'s salt only during the first 30 minutes', async () => {
    const salts = new Salts(redis, prefix);
    const day1 = await salts.forInstant(Date.parse('2030-01-01T23:59:00Z'));
    const early = await salts.forInstant(Date.parse('2030-01-02T00:10:00Z'));
    const late = await salts.forInstant(Date.parse('2030-01-02T00:31:00Z'));
    expect(early.today.equals(day1.today)).toBe(false);
    expect(early.yesterday!.equals(day1.today)).toBe(true);
    expect(late.today.equals(early.today)).toBe(true);
    expect(late.yesterday).toBeNull();
  });
});
