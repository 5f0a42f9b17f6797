import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, teamWithRoles, type TestApp, type TestUser } from '../../test/helpers';
import { databaseFingerprint } from '../../test/tables';
import { insertMonitor, insertRollups } from '../public/fixtures';

let t: TestApp;
let teamId: number;
let admin: TestUser;
let member: TestUser;
let monitor: number;
beforeAll(async () => {
  t = await createTestApp();
  ({ teamId, admin, member } = await teamWithRoles(t, 'business'));
  monitor = await insertMonitor(t.db, teamId, { status: 'up', name: 'internal-secret-name' });
  await insertRollups(t.db, teamId, monitor, 30, { 2: 8_640 });
  await t.db
    .insertInto('monitor_checks')
    .values([120, 180].map((ms, i) => ({ monitor_id: monitor, team_id: teamId, status: 'up' as const, status_code: 200, response_time_ms: ms, checked_at: new Date(Date.now() - (i + 1) * 60_000) })) as never)
    .execute();
});
afterAll(() => t.close());

describe('per-monitor badges', () => {
  it('are off by default: no URL exists until the team enables one', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/monitors/${monitor}/badge`, headers: bearer(member) });
    expect(res.json()).toEqual({ enabled: false, label: null, urls: null });
    const guess = await t.app.inject({ method: 'GET', url: `/api/public/badges/${'A'.repeat(22)}/status.svg` });
    expect(guess.statusCode).toBe(404);
  });

  it('serve status, uptime per period and response time as SVG and shields.io JSON, escaped, cached', async () => {
    const on = await t.app.inject({ method: 'PUT', url: `/api/teams/${teamId}/monitors/${monitor}/badge`, headers: bearer(admin), payload: { enabled: true, label: 'API <b>"x"</b>' } });
    expect(on.statusCode).toBe(200);
    const urls = on.json().urls;
    expect(urls.status_svg).toMatch(/\/api\/public\/badges\/[A-Za-z0-9_-]{22}\/status\.svg$/);
    expect(urls.status_svg).not.toContain(String(monitor) + '/');
    const path = (u: string) => new URL(u).pathname + new URL(u).search;

    const svg = await t.app.inject({ method: 'GET', url: path(urls.status_svg) });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.headers['cache-control']).toBe('public, max-age=60');
    expect(svg.body).toContain('API &lt;b&gt;&quot;x&quot;&lt;/b&gt;');
    expect(svg.body).not.toContain('<b>');
    expect(svg.body).toContain('>up<');
    expect(svg.body).not.toContain('internal-secret-name');

    const json = await t.app.inject({ method: 'GET', url: path(urls.status_json) });
    expect(json.json()).toEqual({ schemaVersion: 1, label: 'API <b>"x"</b>', message: 'up', color: '1a7f37' });
    const base = path(urls.status_json).replace('/status.json', '');
    const up30 = await t.app.inject({ method: 'GET', url: `${base}/uptime.json?period=30d` });
    expect(up30.json()).toMatchObject({ schemaVersion: 1, label: 'API <b>"x"</b> 30d' });
    expect(up30.json().message).toMatch(/^\d{2,3}\.\d{2}%$/);
    const rt = await t.app.inject({ method: 'GET', url: `${base}/response-time.json` });
    expect(rt.json()).toMatchObject({ message: '150 ms' });
    const svg7 = await t.app.inject({ method: 'GET', url: `${base}/uptime.svg?period=7d` });
    expect(svg7.statusCode).toBe(200);

    // Bad input: an unknown period, metric or format is a 4xx problem.
    for (const [url, status] of [[`${base}/uptime.svg?period=1y`, 400], [`${base}/latency.svg`, 404], [`${base}/status.png`, 404], ['/api/public/badges/short/status.svg', 404]] as const) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(status);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }

    // Disabled: the URL is gone (after the short cache).
    const before = await databaseFingerprint(t.db);
    const denied = await t.app.inject({ method: 'PUT', url: `/api/teams/${teamId}/monitors/${monitor}/badge`, headers: bearer(member), payload: { enabled: false } });
    expect(denied.statusCode).toBe(403);
    expect(await databaseFingerprint(t.db)).toEqual(before);
    const bad = await t.app.inject({ method: 'PUT', url: `/api/teams/${teamId}/monitors/${monitor}/badge`, headers: bearer(admin), payload: { enabled: true, label: 'x'.repeat(41) } });
    expect(bad.statusCode).toBe(400);
    const off = await t.app.inject({ method: 'PUT', url: `/api/teams/${teamId}/monitors/${monitor}/badge`, headers: bearer(admin), payload: { enabled: false } });
    expect(off.json().enabled).toBe(false);
    expect(await t.db.selectFrom('monitor_badges').selectAll().execute()).toEqual([]);
  });
});
