import { localDayStartUtc } from '@sentrypulse/db';
import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDailyAggregation, runRetention } from './jobs';

const log = pino({ level: 'silent' });
let database: TestDatabase;
let n = 0;

beforeAll(async () => {
  database = await createTestDatabase('anjobs');
  const db = database.db;
  await db.insertInto('users').values({ name: 'u', email: 'u@example.test', password_hash: 'x' }).execute();
  await db.insertInto('teams').values({ name: 't', owner_id: 1 }).execute();
});
afterAll(() => database.drop());

async function site(domain: string, timezone = 'UTC') {
  const res = await database.db
    .insertInto('sites')
    .values({ team_id: 1, name: domain, domain, tracking_code: `sp_${domain}`, timezone })
    .executeTakeFirstOrThrow();
  return Number(res.insertId);
}

async function pageview(siteId: number, at: string) {
  n += 1;
  await database.db
    .insertInto('pageviews_raw')
    .values({
      site_id: siteId,
      ts: new Date(at),
      event_id: Buffer.from(n.toString(16).padStart(32, '0'), 'hex'),
      visitor_id: Buffer.from(n.toString(16).padStart(16, '0'), 'hex'),
      visit_id: n,
      name: 'pageview',
      hostname: 'example.com',
      pathname: '/',
      entry_page: '/',
      referrer_source: '',
      utm_source: '',
      utm_medium: '',
      utm_campaign: '',
      browser: 'Chrome',
      os: 'Linux',
      device: 'Desktop',
      country: 'DE',
      props: null,
    })
    .execute();
}

const rawOf = async (siteId: number) =>
  (await database.db.selectFrom('pageviews_raw').select('ts').where('site_id', '=', siteId).orderBy('ts').execute()).map((r) => r.ts.toISOString());

describe('daily aggregation job', () => {
  it('rolls up every complete local day of every site, and not today', async () => {
    const a = await site('agg.example.org');
    const b = await site('tokyo.example.org', 'Asia/Tokyo');
    await pageview(a, '2026-05-01T10:00:00Z');
    await pageview(a, '2026-05-02T10:00:00Z');
    await pageview(a, '2026-05-03T00:30:00Z'); // "today" at the job's run time
    await pageview(b, '2026-05-02T16:00:00Z'); // 01:00 on 3 May in Tokyo: today there
    const now = Date.parse('2026-05-03T01:00:00Z');
    await runDailyAggregation(database.db, log, now);
    const rolled = await database.db.selectFrom('pageviews_daily').select(['site_id', 'date', 'pageviews']).orderBy(['site_id', 'date']).execute();
    expect(rolled.map((r) => [r.site_id, r.date.toISOString().slice(0, 10), r.pageviews])).toEqual([
      [a, '2026-05-01', 1],
      [a, '2026-05-02', 1],
    ]);
    const sites = await database.db.selectFrom('sites').select(['id', 'aggregated_through']).orderBy('id').execute();
    expect(sites.map((s) => s.aggregated_through?.toISOString().slice(0, 10) ?? null)).toEqual(['2026-05-02', null]); // Tokyo's only day is still today
  });
});

describe('retention job', () => {
  it('deletes raw events past the retention period, only where rolled up, and rows of deleted sites', async () => {
    const s = await site('ret.example.org');
    const gone = await site('gone.example.org');
    await pageview(s, '2026-01-01T10:00:00Z'); // old and rolled up: deleted
    await pageview(s, '2026-01-05T10:00:00Z'); // old but not rolled up yet: kept
    await pageview(s, '2026-04-20T10:00:00Z'); // recent: kept
    await pageview(gone, '2026-04-20T10:00:00Z');
    await database.db.updateTable('sites').set({ aggregated_through: '2026-01-03' }).where('id', '=', s).execute();
    await database.db.deleteFrom('sites').where('id', '=', gone).execute();
    const now = Date.parse('2026-05-01T02:00:00Z');
    const { deleted } = await runRetention(database.db, log, 30, now);
    expect(deleted).toBe(2);
    expect(await rawOf(s)).toEqual(['2026-01-05T10:00:00.000Z', '2026-04-20T10:00:00.000Z']);
    expect(await rawOf(gone)).toEqual([]);
    expect(localDayStartUtc('2026-01-04', 'UTC')).toBe(Date.parse('2026-01-04T00:00:00Z'));
  });
});
