import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, teamWithRoles, type TestApp } from '../../test/helpers';
import { databaseFingerprint } from '../../test/tables';

/** Redis unreachable (nothing listens on the port): scheduling fails fast with a 503 and the monitor is not stored. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
});
afterAll(() => t.close().catch(() => undefined));

describe('monitors API while Redis is down', () => {
  it('answers 503 within a few seconds and leaves the database unchanged', async () => {
    const { teamId, admin } = await teamWithRoles(t);
    const before = await databaseFingerprint(t.db);
    const started = Date.now();
    const res = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(admin), payload: { name: 'x', type: 'http', url: 'https://example.com', interval_seconds: 60 } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    // The scheduling step gives up after 3 s (10db20a); the rest of the bound is room for a loaded CI machine.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await databaseFingerprint(t.db)).toEqual(before);
  }, 20_000);

  it('still documents every monitoring route in the OpenAPI document', async () => {
    const doc = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(doc.statusCode).toBe(200);
    const paths = Object.keys(doc.json().paths);
    for (const p of ['/api/teams/{teamId}/monitors', '/api/teams/{teamId}/monitors/{monitorId}/checks', '/api/teams/{teamId}/incidents/{incidentId}/updates', '/api/teams/{teamId}/maintenance', '/api/heartbeat/{token}']) {
      expect(paths).toContain(p);
    }
  });
});
