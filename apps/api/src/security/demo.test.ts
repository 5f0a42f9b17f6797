import { generate } from 'otplib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers';
import { DEMO_2FA_EMAIL, DEMO_2FA_RECOVERY_CODES, DEMO_2FA_SECRET, seedSecurity } from '../demo/security';
import { DEMO_EMAIL, DEMO_PASSWORD, seedDemo } from '../demo/seed';

let t: TestApp;
let redis: Redis;
beforeAll(async () => {
  t = await createTestApp();
  redis = new Redis(t.config.redisUrl);
});
afterAll(async () => {
  redis.disconnect();
  await t.close();
});

const login = (email: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: DEMO_PASSWORD } });

describe('demo account security', () => {
  it('verifies the demo address and adds an admin who signs in with 2FA (code or recovery code)', async () => {
    expect((await seedDemo(t.db, t.config, [seedSecurity], { redis })).created).toBe(true);
    const demo = await login(DEMO_EMAIL);
    expect(demo.json().user).toMatchObject({ email_verified: true, two_factor_enabled: false });

    const first = await login(DEMO_2FA_EMAIL);
    expect(first.json()).toMatchObject({ mfa_required: true });
    const done = await t.app.inject({ method: 'POST', url: '/api/auth/login/2fa', payload: { mfa_token: first.json().mfa_token, code: await generate({ secret: DEMO_2FA_SECRET }) } });
    expect(done.statusCode).toBe(200);
    expect(done.json().team).toMatchObject({ name: 'Demo team', role: 'admin' });

    const second = await login(DEMO_2FA_EMAIL);
    const viaRecovery = await t.app.inject({ method: 'POST', url: '/api/auth/login/2fa', payload: { mfa_token: second.json().mfa_token, recovery_code: DEMO_2FA_RECOVERY_CODES[0] } });
    expect(viaRecovery.statusCode).toBe(200);
  });
});
