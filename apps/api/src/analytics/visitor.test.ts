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

describe('old salts are deleted daily', () => {
  const key = (date: string) => `${prefix}:analytics:salt:${date}`;

  it("holds only today's salt, and yesterday's only until the grace ends: then it is gone from memory and Redis", async () => {
    const salts = new Salts(redis, prefix);
    // Four days of traffic on one process (the clock is injected: a day per call).
    for (const day of ['2031-03-01', '2031-03-02', '2031-03-03']) {
      await salts.forInstant(Date.parse(`${day}T12:00:00Z`));
      expect(salts.heldDays()).toEqual([day]);
    }
    const before = await salts.forInstant(Date.parse('2031-03-03T23:50:00Z'));
    // 00:10 next day: inside the grace, today's and yesterday's salts, nothing older.
    const grace = await salts.forInstant(Date.parse('2031-03-04T00:10:00Z'));
    expect(grace.yesterday!.equals(before.today)).toBe(true);
    expect(salts.heldDays()).toEqual(['2031-03-03', '2031-03-04']);
    expect(await redis.exists(key('2031-03-03'))).toBe(1);

    // 00:30: the grace is over. Yesterday's salt is no longer handed out, held, or stored.
    const after = await salts.forInstant(Date.parse('2031-03-04T00:30:00Z'));
    expect(after.yesterday).toBeNull();
    expect(after.today.equals(grace.today)).toBe(true);
    expect(salts.heldDays()).toEqual(['2031-03-04']);
    expect(await redis.exists(key('2031-03-03'))).toBe(0);
    expect(await redis.exists(key('2031-03-04'))).toBe(1);
    // Another process that never saw the grace cannot bring it back: it only reads yesterday's
    // salt inside the grace, and never creates one.
    const other = new Salts(redis, prefix);
    expect((await other.forInstant(Date.parse('2031-03-04T00:40:00Z'))).yesterday).toBeNull();
    expect(other.heldDays()).toEqual(['2031-03-04']);
    expect(await redis.exists(key('2031-03-03'))).toBe(0);
  });

  it("a lookup still loading yesterday's salt when the grace ends does not leave it in memory", async () => {
    const salts = new Salts(redis, prefix);
    await salts.forInstant(Date.parse('2031-04-01T23:50:00Z'));
    const [inGrace, past] = await Promise.all([
      salts.forInstant(Date.parse('2031-04-02T00:29:59Z')),
      salts.forInstant(Date.parse('2031-04-02T00:30:00Z')),
    ]);
    expect(inGrace.yesterday).not.toBeNull();
    expect(past.yesterday).toBeNull();
    expect(salts.heldDays()).toEqual(['2031-04-02']);
    expect(await redis.exists(key('2031-04-01'))).toBe(0);
  });
});
