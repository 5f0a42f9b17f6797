import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ RATE_LIMIT_ENABLED: 'true' });
});
afterAll(() => t.close());

describe('Redis-backed rate limits', () => {
  it('limits login per email across client IPs, with Retry-After', async () => {
    const attempt = (ip: string) =>
      t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: ip, payload: { email: 'target@example.com', password: 'guess guess' } });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await attempt(`10.0.0.${i + 1}`)).statusCode);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    const limited = await attempt('10.0.1.1');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.json()).toMatchObject({ status: 429, title: 'Too many requests' });
  });

  it('limits register per IP', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        remoteAddress: '192.0.2.7',
        payload: { name: 'x', email: `bad-${i}`, password: 'short' },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 20).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
    const otherIp = await t.app.inject({ method: 'POST', url: '/api/auth/register', remoteAddress: '192.0.2.8', payload: { name: 'x', email: 'bad', password: 'short' } });
    expect(otherIp.statusCode).toBe(400);
  });

  it('keeps counters in Redis so every API process shares them', async () => {
    const keys = await t.app.redis.keys(`${t.config.redisPrefix}:rl:*`);
    expect(keys.length).toBeGreaterThan(0);
  });
});
