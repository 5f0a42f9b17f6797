/**
 * The dataset of the dashboard measurements (e2e test 4 and bench/dashboard/run.ts): a business
 * team with 500 monitors (40 checks each, a minute apart) and a site with two years of daily
 * rollups (breakdowns for the last year). The monitors point at a local server, returned so the
 * caller closes it.
 */
import { valueHash } from '@sentrypulse/db';
import { createServer, type Server } from 'node:http';
import { bearer, createTeam, createUser, type TestUser } from '@sentrypulse/api/testing';
import type { Stack } from './e2e-support';

export async function seedPerfTeam(stack: Stack): Promise<{ user: TestUser; teamId: number; siteId: number; target: Server }> {
  const db = stack.api.db;
  const user = await createUser(stack.api, 'Perf');
  const teamId = await createTeam(stack.api, user, 'business');
  // Checks of these monitors (if the scheduler picks them up) go nowhere slow: a local server.
  const target = createServer((_q, r) => r.end('ok'));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(target.address() as { port: number }).port}/`;
  const now = new Date();
  const statuses = ['up', 'up', 'up', 'up', 'up', 'up', 'down', 'degraded', 'paused'] as const;
  const rows = Array.from({ length: 500 }, (_, i) => ({
    team_id: teamId,
    name: `service-${String(i).padStart(3, '0')}`,
    type: 'http' as const,
    url: `${url}${i}`,
    method: 'GET',
    interval_seconds: 86_400,
    timeout_ms: 5_000,
    status: statuses[i % statuses.length]!,
    enabled: statuses[i % statuses.length] !== 'paused',
    last_checked_at: now,
    last_response_time_ms: 40 + (i % 200),
  }));
  for (let i = 0; i < rows.length; i += 100) await db.insertInto('monitors').values(rows.slice(i, i + 100)).execute();
  // 40 checks a minute apart per monitor (the sparklines draw the last 30).
  const monitorIds = (await db.selectFrom('monitors').select('id').where('team_id', '=', teamId).orderBy('id').execute()).map((m) => m.id);
  const checks = monitorIds.flatMap((monitor_id, i) =>
    Array.from({ length: 40 }, (_, k) => {
      const down = statuses[i % statuses.length] === 'down' && k >= 36;
      return {
        monitor_id,
        team_id: teamId,
        status: down ? ('down' as const) : ('up' as const),
        status_code: down ? 503 : 200,
        response_time_ms: down ? null : 40 + (i % 200) + ((k * 37 + i) % 60),
        checked_at: new Date(now.getTime() - (40 - k) * 60_000),
      };
    }),
  );
  for (let i = 0; i < checks.length; i += 2000) await db.insertInto('monitor_checks').values(checks.slice(i, i + 2000)).execute();

  const created = await stack.api.app.inject({ method: 'POST', url: `/api/teams/${teamId}/sites`, headers: bearer(user), payload: { name: 'Big site', domain: 'big.example' } });
  if (created.statusCode !== 201) throw new Error(`site not created: ${created.body}`);
  const siteId = created.json().id as number;
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const days = Array.from({ length: 366 }, (_, i) => new Date(today.getTime() - (366 - i) * 86_400_000).toISOString().slice(0, 10));
  await db
    .insertInto('pageviews_daily')
    .values(days.map((date, i) => ({ site_id: siteId, date, pageviews: 3000 + ((i * 37) % 900), events: 120, visitors: 1100 + ((i * 13) % 300), visits: 1400, bounces: 600, duration_ms: 1400 * 95_000 })))
    .execute();
  // The year before (totals only), about 30% lower: the chart's previous-period line.
  await db
    .insertInto('pageviews_daily')
    .values(days.map((date, i) => ({ site_id: siteId, date: new Date(Date.parse(date) - 366 * 86_400_000).toISOString().slice(0, 10), pageviews: 2000 + ((i * 53) % 700), events: 80, visitors: 750 + ((i * 17) % 250), visits: 950, bounces: 400, duration_ms: 950 * 90_000 })))
    .execute();
  const dims: Record<string, string[]> = {
    page: Array.from({ length: 30 }, (_, k) => `/docs/page-${k}`),
    entry_page: Array.from({ length: 15 }, (_, k) => `/docs/page-${k}`),
    exit_page: Array.from({ length: 15 }, (_, k) => `/docs/page-${k}`),
    referrer: ['Google', 'Hacker News', 'Twitter', 'GitHub', 'Direct / None', 'Reddit', 'DuckDuckGo', 'Bing', 'LinkedIn', 'Newsletter'],
    utm_source: ['newsletter', 'twitter', 'ads'],
    browser: ['Chrome', 'Firefox', 'Safari', 'Edge', 'Opera'],
    os: ['Windows', 'macOS', 'Linux', 'Android', 'iOS'],
    device: ['desktop', 'mobile', 'tablet'],
    country: ['DE', 'US', 'FR', 'GB', 'NL', 'SE', 'JP', 'BR', 'IN', 'CA'],
    event: ['signup', 'download'],
  };
  const breakdownRows = days.flatMap((date, d) =>
    Object.entries(dims).flatMap(([dimension, values]) =>
      values.map((value, k) => ({ site_id: siteId, dimension, date, value_hash: valueHash(value), value, visitors: 10 + ((d + k * 7) % 90), visits: 12 + k, pageviews: 30 + k, events: dimension === 'event' ? 5 + k : 0 })),
    ),
  );
  for (let i = 0; i < breakdownRows.length; i += 2000) await db.insertInto('pageviews_daily_breakdowns').values(breakdownRows.slice(i, i + 2000)).execute();
  await db.updateTable('sites').set({ aggregated_through: days.at(-1)! }).where('id', '=', siteId).execute();

  return { user, teamId, siteId, target };
}
