import { bullPrefix, JobProducer, monitorSchedulerId, QUEUES } from '@sentrypulse/jobs';
import { uptimeFigures, utcDateOf, type MonitorStats, type PublicStatusPage } from '@sentrypulse/shared';
import { loadConfig } from '@sentrypulse/shared/config';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollupDays } from '@sentrypulse/worker/testing';
import { createTestApp, type TestApp } from '../../test/helpers';
import { verifyPassword } from '../auth/passwords';
import { uptimeBar } from '../public/rules';
import { generateTrackedEvents, HN_SPIKE, toRawRows } from './analytics-traffic';
import { at, demoMonitors, generateMonitoringHistory, RAW_CHECK_DAYS, STORY } from './monitoring-history';
import { DEMO_EMAIL, DEMO_PASSWORD, seedDemo } from './seed';
import { demoSeeders } from './seeders';
import { DEMO_COMPONENTS } from './status-page';

const DAY = 86_400_000;
const FIXED_NOW = Date.parse('2026-11-29T12:00:00.000Z');

function historyAt(now: number) {
  const config = loadConfig({});
  return generateMonitoringHistory({ now, monitors: demoMonitors(config).map((m, i) => ({ ...m, name: m.body.name, offsetMs: 1_000 + i * 7_919 })) });
}

describe('demo generation (pure, deterministic)', () => {
  it('points the monitors at the processes pnpm start runs, on the configured ports', () => {
    const config = loadConfig({ API_PORT: '4100', WEB_PORT: '3100', DATABASE_URL: 'mysql://root@db.internal:3307/sp', REDIS_URL: 'redis://127.0.0.1:6380' });
    const targets = demoMonitors(config).map((m) => [m.key, m.body.type, m.body.url ?? (m.body.host ? `${m.body.host}:${m.body.port}` : null)]);
    expect(targets).toEqual([
      ['api', 'http', 'http://127.0.0.1:4100/api/health'],
      ['dashboard', 'http', 'http://127.0.0.1:3100/login'],
      ['database', 'tcp', 'db.internal:3307'],
      ['cache', 'tcp', '127.0.0.1:6380'],
      ['backup', 'heartbeat', null],
    ]);
  });

  it('gives the same history for the same day, with the story told by the engine rules', () => {
    const a = historyAt(FIXED_NOW);
    const b = historyAt(FIXED_NOW);
    expect(a.incidents.map((i) => i.started_at.getTime())).toEqual(b.incidents.map((i) => i.started_at.getTime()));
    expect(a.monitors.map((m) => m.daily.map((d) => d.avg_response_time_ms))).toEqual(b.monitors.map((m) => m.daily.map((d) => d.avg_response_time_ms)));

    // Oldest first; the API outage: 5 failing checks (2 to confirm), downtime from the first failing
    // check to the first successful one.
    expect(a.incidents.map((i) => [i.kind, i.title, utcDateOf(i.started_at.getTime()), i.updates.map((u) => u.status)])).toEqual([
      ['manual', 'Slow dashboard page loads', '2026-10-02', ['investigating', 'identified', 'resolved']],
      ['auto', 'MariaDB is down', '2026-10-26', ['investigating', 'identified', 'resolved']],
      ['auto', 'Nightly backup is down', '2026-11-10', ['investigating', 'identified', 'resolved']],
      ['auto', 'API health is down', '2026-11-26', ['investigating', 'identified', 'resolved']],
    ]);
    const api = a.incidents[3]!;
    expect(api.outages).toHaveLength(1);
    expect(api.outages[0]!.end - api.outages[0]!.start).toBeGreaterThan(299_900);
    expect(api.outages[0]!.end - api.outages[0]!.start).toBeLessThan(300_100);
    expect(api.resolved_at.getTime()).toBe(api.outages[0]!.end);
    expect(api.postmortem).toContain('What we changed');
    expect(api.updates[0]!.message).toBe('connection refused');
    expect(api.updates[2]!.message).toMatch(/^Recovered: the check succeeded in \d+ ms\.$/);

    // The late backup: down from its deadline (last ping + interval + grace) until it pinged.
    const backup = a.incidents[2]!;
    expect(backup.resolved_at.toISOString()).toMatch(/^2026-11-10T09:41:27/);
    expect(backup.started_at.getTime() - at(FIXED_NOW, -20, '02:00:00')).toBeGreaterThan(30 * 3_600_000);

    // Failures inside the past maintenance window are counted, but are neither downtime nor an incident.
    const db = a.monitors.find((m) => m.key === 'database')!;
    const maintDay = db.daily.find((d) => d.date === utcDateOf(at(FIXED_NOW, STORY.maintenance[0]!.day, '00:00:00')))!;
    expect(maintDay).toMatchObject({ down_checks: 2, downtime_seconds: 0, maintenance_seconds: 1_800, monitored_seconds: 86_400 - 1_800, uptime: 100 });
    expect(db.outages).toHaveLength(1);

    // Every monitor ends up, checked within the last minute.
    for (const m of a.monitors) {
      expect(m.state.status).toBe('up');
      expect(FIXED_NOW - m.state.last_checked_at!.getTime()).toBeLessThan(61_000);
    }
    // Raw checks: the last 7 whole days and today, one a minute.
    const apiChecks = a.monitors.find((m) => m.key === 'api')!.checks;
    expect(apiChecks[0]!.checked_at.getTime()).toBeGreaterThanOrEqual(at(FIXED_NOW, -RAW_CHECK_DAYS, '00:00:00'));
    expect(apiChecks.length).toBe(Math.floor((FIXED_NOW - at(FIXED_NOW, -RAW_CHECK_DAYS, '00:00:00')) / 60_000));
  });

  it('generates the same visits for the same day: growth, weekly rhythm, a Hacker News spike', () => {
    const events = generateTrackedEvents({ now: FIXED_NOW, domain: 'localhost' });
    expect(generateTrackedEvents({ now: FIXED_NOW, domain: 'localhost' })).toEqual(events);
    const pageviews = events.filter((e) => e.name === 'pageview');
    expect({ events: events.length, pageviews: pageviews.length }).toMatchInlineSnapshot(`
      {
        "events": 20792,
        "pageviews": 20006,
      }
    `);
    const perDay = new Map<string, number>();
    for (const e of pageviews) perDay.set(utcDateOf(e.ts), (perDay.get(utcDateOf(e.ts)) ?? 0) + 1);
    const spike = utcDateOf(at(FIXED_NOW, HN_SPIKE.day, '00:00:00'));
    expect(Math.max(...perDay.values())).toBe(perDay.get(spike));
    expect(events.every((e) => e.ts < FIXED_NOW)).toBe(true);
    const rows = toRawRows(1, 'localhost', events);
    expect(new Set(rows.map((r) => r.referrer_source))).toEqual(new Set(['', 'Google', 'DuckDuckGo', 'Bing', 'GitHub', 'Hacker News', 'Reddit', 'Twitter', 'LinkedIn', 'dev.to', 'producthunt.com']));
    expect(new Set(rows.map((r) => r.browser))).toContain('Samsung Internet');
    expect(new Set(rows.filter((r) => r.name !== 'pageview').map((r) => r.name))).toEqual(new Set(['Signup', 'Outbound Link: Click']));
    expect(rows.some((r) => r.utm_campaign === 'november-update' && r.utm_source === 'newsletter')).toBe(true);
  });
});

describe('demo seed against the real API', () => {
  let t: TestApp;
  let redis: Redis;
  let token: string;
  let teamId: number;
  const now = Date.now();
  const get = async <T>(url: string): Promise<T> => {
    const res = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode, url).toBe(200);
    return res.json() as T;
  };

  beforeAll(async () => {
    t = await createTestApp();
    redis = new Redis(t.config.redisUrl);
    const started = Date.now();
    expect(await seedDemo(t.db, t.config, demoSeeders, { redis, now })).toMatchObject({ created: true });
    // Fast enough for every `pnpm start` (generous: the test machine is shared).
    expect(Date.now() - started).toBeLessThan(60_000);
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: DEMO_EMAIL, password: DEMO_PASSWORD } });
    expect(login.statusCode).toBe(200);
    token = login.json().access_token;
    teamId = login.json().team.id;
  }, 120_000);
  afterAll(async () => {
    redis.disconnect();
    await t.close();
  });

  it('creates the demo login on a business team, once: a second run changes nothing', async () => {
    const user = await t.db.selectFrom('users').selectAll().where('email', '=', DEMO_EMAIL).executeTakeFirstOrThrow();
    expect(await verifyPassword(DEMO_PASSWORD, user.password_hash)).toBe(true);
    expect(await t.db.selectFrom('teams').select(['plan', 'owner_id']).execute()).toEqual([{ plan: 'business', owner_id: user.id }]);
    const count = async () => {
      const out: Record<string, number> = {};
      for (const table of ['monitors', 'monitor_checks', 'monitor_daily', 'monitor_outages', 'incidents', 'incident_updates', 'maintenance_windows', 'status_pages', 'status_page_components', 'sites', 'pageviews_raw', 'pageviews_daily'] as const) {
        out[table] = Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      }
      return out;
    };
    const before = await count();
    expect(before).toMatchObject({ monitors: 5, incidents: 4, monitor_outages: 3, maintenance_windows: 2, status_pages: 1, status_page_components: 5, sites: 1 });
    expect(await seedDemo(t.db, t.config, demoSeeders, { redis, now: Date.now() })).toEqual({ created: false, timings: [] });
    expect(await count()).toEqual(before);
  });

  it('lists five monitors, all up, scheduled in Redis like any monitor created through the API', async () => {
    const list = await get<{ items: Array<{ id: number; name: string; type: string; status: string; uptime_24h: number | null; heartbeat_url: string | null; last_checked_at: string }> }>(
      `/api/teams/${teamId}/monitors`,
    );
    expect(list.items.map((m) => [m.name, m.type, m.status])).toEqual([
      ['API health', 'http', 'up'],
      ['Dashboard login page', 'http', 'up'],
      ['MariaDB', 'tcp', 'up'],
      ['Redis', 'tcp', 'up'],
      ['Nightly backup', 'heartbeat', 'up'],
    ]);
    expect(list.items.every((m) => m.uptime_24h === 100)).toBe(true);
    expect(list.items[4]!.heartbeat_url).toMatch(/^http:\/\/localhost:3000\/api\/heartbeat\/[0-9a-f]{32}$/);
    const jobs = new JobProducer({ connection: redis, prefix: bullPrefix(t.config.redisPrefix), db: t.db });
    const schedulers = (await jobs.queue(QUEUES.checks).getJobSchedulers()).map((s) => s.key).sort();
    await jobs.close();
    expect(schedulers).toEqual(list.items.map((m) => monitorSchedulerId(m.id)).sort());
  });

  it('has rollups the worker would compute itself from the seeded checks, outages and maintenance', async () => {
    const snapshot = async () =>
      (await t.db.selectFrom('monitor_daily').selectAll().orderBy('monitor_id').orderBy('date').execute()).map(({ updated_at: _u, ...r }) => r);
    const seeded = await snapshot();
    expect(seeded.length).toBe(5 * 91);
    // Days with raw checks (yesterday back to 7 days ago): everything, counts and p95 included.
    const rawDays = Array.from({ length: RAW_CHECK_DAYS }, (_, i) => utcDateOf(now - (i + 1) * DAY));
    await rollupDays(t.db, rawDays, now, { counts: true });
    // Older days (no raw checks): the time-based figures; and today up to `now`.
    const older = [...new Set(seeded.map((r) => r.date))].filter((d) => !rawDays.includes(d));
    await rollupDays(t.db, older, now, { counts: false });
    expect(await snapshot()).toEqual(seeded);
  });

  it('shows uptime that agrees with the incidents: the API was down 5 minutes three days ago', async () => {
    const monitors = await get<{ items: Array<{ id: number; name: string }> }>(`/api/teams/${teamId}/monitors`);
    const api = monitors.items.find((m) => m.name === 'API health')!;
    const stats = await get<MonitorStats>(`/api/teams/${teamId}/monitors/${api.id}/stats?range=7d`);
    const incidents = await get<{ items: Array<{ title: string; started_at: string; resolved_at: string; postmortem: string | null; acknowledged_at: string | null }> }>(
      `/api/teams/${teamId}/incidents?monitor_id=${api.id}`,
    );
    expect(incidents.items).toHaveLength(1);
    const inc = incidents.items[0]!;
    expect(inc.postmortem).toContain('What happened');
    expect(inc.acknowledged_at).not.toBeNull();
    const downMs = Date.parse(inc.resolved_at) - Date.parse(inc.started_at);
    // Server time moved on since `now`; the window is the last 7 days either way.
    expect(stats.uptime['7d']).toBe(uptimeFigures({ window: { start: 0, end: 7 * DAY }, outages: [{ start: 1, end: 1 + downMs }] }).uptime);
    expect(stats.uptime['24h']).toBe(100);
    expect(stats.days).toHaveLength(90);
    const day = stats.days.find((d) => d.date === utcDateOf(Date.parse(inc.started_at)))!;
    expect(day.downtime_seconds).toBe(Math.ceil(downMs / 1000));
    expect(day.checks).toBe(1440);
    expect(stats.response_times.filter((b) => b.checks > 0).length).toBeGreaterThan(25);
  });

  it('publishes /status/demo: grouped components, uptime from the rollups, history, upcoming maintenance', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/public/status-pages/demo' });
    expect(res.statusCode).toBe(200);
    const page = res.json() as PublicStatusPage;
    expect(page.status).toBe('operational');
    expect(page.description).toMatch(/demo services/);
    expect(page.components.map((c) => [c.group, c.name, c.status])).toEqual(DEMO_COMPONENTS.map((c) => [c.group, c.name, 'operational']));
    const ids = new Map((await t.db.selectFrom('monitors').select(['id', 'name']).execute()).map((m) => [m.name, m.id]));
    const names = new Map(demoMonitors(t.config).map((m) => [m.key, m.body.name]));
    for (const c of DEMO_COMPONENTS) {
      const rows = await t.db.selectFrom('monitor_daily').selectAll().where('monitor_id', '=', ids.get(names.get(c.key)!)!).execute();
      const bar = uptimeBar(rows.map((r) => ({ ...r, date: typeof r.date === 'string' ? r.date.slice(0, 10) : (r.date as unknown as Date).toISOString().slice(0, 10) })), new Date());
      const shown = page.components.find((x) => x.name === c.name)!;
      expect(shown.uptime_90d).toBe(bar.uptime);
      expect(shown.days).toEqual(bar.days);
    }
    expect(page.components.find((c) => c.name === 'REST API')!.uptime_90d).toBeLessThan(100);
    expect(page.components.find((c) => c.name === 'Cache')!.uptime_90d).toBe(100);
    expect(page.active_incidents).toEqual([]);
    expect(page.past_incidents.map((i) => i.title)).toEqual(['REST API: outage', 'Nightly backups: outage', 'Database: outage', 'Slow dashboard page loads']);
    const apiIncident = page.past_incidents[0]!;
    expect(apiIncident.updates.map((u) => u.status)).toEqual(['resolved', 'identified', 'investigating']);
    expect(apiIncident.updates[1]!.message).toMatch(/Rolling back/);
    expect(page.maintenances.map((m) => m.title)).toEqual(['Database upgrade to MariaDB 11.4']);
    expect(Date.parse(page.maintenances[0]!.starts_at)).toBeGreaterThan(Date.now());
    // Nothing internal leaks: monitor names, targets, error texts.
    for (const secret of ['API health', '127.0.0.1', 'connection refused', 'MariaDB is down', 'heartbeat']) expect(res.body).not.toContain(secret);
  });

  it('has a site whose stats are the seeded visits, rolled up by the aggregator', async () => {
    const sites = await get<{ items: Array<{ id: number; domain: string; name: string }> }>(`/api/teams/${teamId}/sites`);
    expect(sites.items.map((s) => [s.name, s.domain])).toEqual([['Demo website', 'localhost']]);
    const siteId = sites.items[0]!.id;
    const site = await t.db.selectFrom('sites').select(['aggregated_through']).where('id', '=', siteId).executeTakeFirstOrThrow();
    expect(String(site.aggregated_through instanceof Date ? site.aggregated_through.toISOString() : site.aggregated_through).slice(0, 10)).toBe(utcDateOf(now - DAY));

    const rows = toRawRows(siteId, 'localhost', generateTrackedEvents({ now, domain: 'localhost' }));
    const expected = (from: string, to: string) => {
      const inRange = rows.filter((r) => {
        const d = utcDateOf(r.ts.getTime());
        return d >= from && d <= to;
      });
      const visitorsByDay = new Map<string, Set<string>>();
      for (const r of inRange) {
        const d = utcDateOf(r.ts.getTime());
        visitorsByDay.set(d, (visitorsByDay.get(d) ?? new Set()).add(r.visitor_id.toString('hex')));
      }
      return {
        pageviews: inRange.filter((r) => r.name === 'pageview').length,
        events: inRange.filter((r) => r.name !== 'pageview').length,
        visitors: [...visitorsByDay.values()].reduce((s, v) => s + v.size, 0),
      };
    };
    const today = utcDateOf(now);
    for (const [from, label] of [[utcDateOf(now - 6 * DAY), '7d'], [utcDateOf(now - 29 * DAY), '30d'], [utcDateOf(now - 364 * DAY), '12m']] as const) {
      const stats = await get<{ pageviews: number; visitors: number; events: number; timeseries: unknown[] }>(`/api/teams/${teamId}/sites/${siteId}/stats?from=${from}&to=${today}`);
      expect({ label, pageviews: stats.pageviews, visitors: stats.visitors, events: stats.events }).toEqual({ label, ...expected(from, today) });
      expect(stats.pageviews).toBeGreaterThan(label === '7d' ? 1_000 : 5_000);
    }
    const from30 = utcDateOf(now - 29 * DAY);
    const referrers = await get<{ items: Array<{ value: string }> }>(`/api/teams/${teamId}/sites/${siteId}/breakdown?property=referrer&from=${from30}&to=${today}`);
    expect(referrers.items.map((i) => i.value).slice(0, 3)).toContain('Google');
    expect(referrers.items.map((i) => i.value)).toContain('Hacker News');
    const events = await get<{ items: Array<{ value: string }> }>(`/api/teams/${teamId}/sites/${siteId}/breakdown?property=event&from=${from30}&to=${today}`);
    expect(events.items.map((i) => i.value)).toContain('Signup');
    const realtime = await get<{ visitors: number }>(`/api/teams/${teamId}/sites/${siteId}/realtime`);
    expect(realtime.visitors).toBeGreaterThanOrEqual(0);
  });

  it('removes the demo user and team again when a seeder fails, so the next start seeds from scratch', async () => {
    const other = await createTestApp();
    const r = new Redis(other.config.redisUrl);
    try {
      const boom = async () => {
        throw new Error('boom');
      };
      await expect(seedDemo(other.db, other.config, [demoSeeders[0]!, boom], { redis: r })).rejects.toThrow('boom');
      expect(await other.db.selectFrom('users').select('id').execute()).toEqual([]);
      expect(await other.db.selectFrom('monitors').select('id').execute()).toEqual([]);
      expect(await other.db.selectFrom('pageviews_raw').select('site_id').limit(1).execute()).toEqual([]);
      expect(await seedDemo(other.db, other.config, [], { redis: r })).toEqual({ created: true, timings: [] });
    } finally {
      r.disconnect();
      await other.close();
    }
  }, 60_000);
});
