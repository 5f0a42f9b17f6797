import {
  addDays,
  aggregatePendingDays,
  aggregateSiteDay,
  breakdownFromRaw,
  dailyTotalsFromRaw,
  findSiteForAggregation,
  localDayStartUtc,
  ROLLUP_DIMENSIONS,
} from '@sentrypulse/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../test/helpers';
import { collect, createSiteFixture, testDrainer, UA, type SiteFixture } from '../../test/analytics';

/**
 * A generated dataset with known visitors, visits, referrers, UTM, devices and countries over
 * three days, sent through the real collect route and drained by the worker's drainer. The
 * expected figures come from a plain model of the plan below, not from the SQL under test.
 */

const DAYS = ['2026-03-01', '2026-03-02', '2026-03-03'];
const TODAY = DAYS[2]!;
const IPS = ['8.8.8.8', '8.8.4.4', '8.8.8.1', '8.8.8.2', '81.2.69.142', '81.2.69.143', '81.2.69.144', '81.2.69.145', '5.9.0.1', '5.9.0.2', '5.9.0.3', '5.9.0.4'];
const COUNTRIES = ['US', 'US', 'US', 'US', 'GB', 'GB', 'GB', 'GB', 'DE', 'DE', 'DE', 'DE'];
const UAS = [UA.chromeWindows, UA.safariIphone, UA.firefoxLinux, UA.safariIpad];
const BROWSERS = ['Chrome', 'Mobile Safari', 'Firefox', 'Mobile Safari'];
const OSES = ['Windows', 'iOS', 'Linux', 'iOS'];
const DEVICES = ['Desktop', 'Mobile', 'Desktop', 'Tablet'];
const REFERRERS: [string | undefined, string][] = [
  ['https://www.google.com/search?q=uptime', 'Google'],
  ['https://t.co/abc', 'Twitter'],
  ['https://example.com/about', ''], // self-referral: dropped
  [undefined, ''],
];

interface Planned {
  day: string;
  visitor: number;
  visit: string;
  ts: number;
  name: string;
  path: string;
  url: string;
  referrer?: string;
  source: string;
  utm: [string, string, string];
  props?: Record<string, string>;
}

function plan(): Planned[] {
  const out: Planned[] = [];
  DAYS.forEach((day, d) => {
    const start = Date.parse(`${day}T00:00:00Z`);
    for (let i = 0; i < 12; i++) {
      const T = start + 10 * 3_600_000 + i * 120_000;
      const [referrer, source] = REFERRERS[i % 4]!;
      const utm: [string, string, string] = i % 2 === 0 ? ['newsletter', 'email', 'launch'] : ['', '', ''];
      const q = i % 2 === 0 ? '?utm_source=newsletter&utm_medium=email&utm_campaign=launch' : '';
      const visit = `${day}:${i}:A`;
      out.push({ day, visitor: i, visit, ts: T, name: 'pageview', path: '/', url: `https://example.com/${q}`, referrer, source, utm });
      if (i % 2 === 0) out.push({ day, visitor: i, visit, ts: T + 60_000, name: 'pageview', path: '/pricing', url: 'https://www.example.com/pricing', referrer, source, utm });
      if (i % 3 === 0) {
        const path = i % 2 === 0 ? '/pricing' : '/';
        out.push({ day, visitor: i, visit, ts: T + 90_000, name: 'signup', path, url: `https://example.com${path}`, source, utm, props: { plan: i % 2 === 0 ? 'pro' : 'free' } });
      }
      if (i < 3 && d < 2) {
        out.push({ day, visitor: i, visit: `${day}:${i}:B`, ts: T + 4 * 3_600_000, name: 'pageview', path: '/blog', url: 'https://example.com/blog', source: '', utm: ['', '', ''] });
      }
    }
  });
  return out;
}

const PLAN = plan();

/** The model: figures per day, computed from the plan with plain JS. */
function modelDay(day: string, filter?: (p: Planned) => boolean) {
  const all = PLAN.filter((p) => p.day === day);
  const match = filter ?? (() => true);
  const visits = new Map<string, Planned[]>();
  for (const p of all) visits.set(p.visit, [...(visits.get(p.visit) ?? []), p]);
  const hit = [...visits.values()].filter((evs) => evs.some(match));
  const pv = (evs: Planned[]) => evs.filter((e) => e.name === 'pageview').length;
  return {
    pageviews: all.filter((p) => match(p) && p.name === 'pageview').length,
    events: all.filter((p) => match(p) && p.name !== 'pageview').length,
    visitors: new Set(hit.map((evs) => evs[0]!.visitor)).size,
    visits: hit.length,
    bounces: hit.filter((evs) => pv(evs) === 1 && evs.every((e) => e.name === 'pageview')).length,
    duration_ms: hit.reduce((n, evs) => n + Math.max(...evs.map((e) => e.ts)) - Math.min(...evs.map((e) => e.ts)), 0),
  };
}

function modelRange(days: string[], filter?: (p: Planned) => boolean) {
  const per = days.map((d) => modelDay(d, filter));
  const sum = (k: keyof ReturnType<typeof modelDay>) => per.reduce((n, x) => n + x[k], 0);
  const visits = sum('visits');
  return {
    pageviews: sum('pageviews'),
    visitors: sum('visitors'),
    visits,
    events: sum('events'),
    bounce_rate: visits ? Math.round((sum('bounces') / visits) * 1000) / 10 : 0,
    visit_duration: visits ? Math.round(sum('duration_ms') / visits / 1000) : 0,
  };
}

/** Breakdown model: per day, per value, distinct visitors / visits, pageviews, events; summed over days. */
function modelBreakdown(days: string[], valueOf: (p: Planned, visitEvents: Planned[]) => string | null, only?: (p: Planned) => boolean) {
  const acc = new Map<string, { value: string; visitors: number; visits: number; pageviews: number; events: number }>();
  for (const day of days) {
    const all = PLAN.filter((p) => p.day === day);
    const byVisit = new Map<string, Planned[]>();
    for (const p of all) byVisit.set(p.visit, [...(byVisit.get(p.visit) ?? []), p]);
    const perValue = new Map<string, { v: Set<number>; s: Set<string>; pv: number; ev: number }>();
    for (const p of all) {
      if (only && !only(p)) continue;
      const value = valueOf(p, byVisit.get(p.visit)!);
      if (value === null) continue;
      const cur = perValue.get(value) ?? { v: new Set(), s: new Set(), pv: 0, ev: 0 };
      cur.v.add(p.visitor);
      cur.s.add(p.visit);
      if (p.name === 'pageview') cur.pv++;
      else cur.ev++;
      perValue.set(value, cur);
    }
    for (const [value, c] of perValue) {
      const a = acc.get(value) ?? { value, visitors: 0, visits: 0, pageviews: 0, events: 0 };
      a.visitors += c.v.size;
      a.visits += c.s.size;
      a.pageviews += c.pv;
      a.events += c.ev;
      acc.set(value, a);
    }
  }
  return [...acc.values()].sort((a, b) => b.visitors - a.visitors || b.pageviews - a.pageviews || b.events - a.events || (a.value < b.value ? -1 : 1));
}

const first = (evs: Planned[]) => [...evs].sort((a, b) => a.ts - b.ts)[0]!;
const PROPERTY_MODELS: Record<string, () => ReturnType<typeof modelBreakdown>> = {
  page: () => modelBreakdown(DAYS, (p) => p.path, (p) => p.name === 'pageview'),
  entry_page: () => modelBreakdown(DAYS, (_p, evs) => first(evs).path, (p) => p.name === 'pageview'),
  referrer: () => modelBreakdown(DAYS, (_p, evs) => first(evs).source || 'Direct / None'),
  utm_source: () => modelBreakdown(DAYS, (_p, evs) => first(evs).utm[0] || null),
  utm_medium: () => modelBreakdown(DAYS, (_p, evs) => first(evs).utm[1] || null),
  utm_campaign: () => modelBreakdown(DAYS, (_p, evs) => first(evs).utm[2] || null),
  browser: () => modelBreakdown(DAYS, (p) => BROWSERS[p.visitor % 4]!),
  os: () => modelBreakdown(DAYS, (p) => OSES[p.visitor % 4]!),
  device: () => modelBreakdown(DAYS, (p) => DEVICES[p.visitor % 4]!),
  country: () => modelBreakdown(DAYS, (p) => COUNTRIES[p.visitor]!),
  event: () => modelBreakdown(DAYS, (p) => p.name, (p) => p.name !== 'pageview'),
  event_prop: () => modelBreakdown(DAYS, (p) => `plan=${p.props!.plan}`, (p) => p.name !== 'pageview'),
  exit_page: () => {
    // One row per visit: its last pageview; pageviews and visits both count exits.
    const rows = modelBreakdown(
      DAYS,
      (p, evs) => {
        const pvs = evs.filter((e) => e.name === 'pageview').sort((a, b) => a.ts - b.ts);
        return pvs[pvs.length - 1] === p ? p.path : null;
      },
      (p) => p.name === 'pageview',
    );
    return rows;
  },
};

let t: TestApp;
let site: SiteFixture;
let drain: ReturnType<typeof testDrainer>;
const get = (url: string) => t.app.inject({ method: 'GET', url: `/api/teams/${site.teamId}/sites/${site.siteId}${url}`, headers: bearer(site.owner) });

beforeAll(async () => {
  t = await createTestApp();
  site = await createSiteFixture(t);
  drain = testDrainer(t);
  for (const p of [...PLAN].sort((a, b) => a.ts - b.ts)) {
    t.app.analytics.clock = () => p.ts;
    const res = await collect(
      t.app,
      { site: site.code, name: p.name, url: p.url, referrer: p.referrer, props: p.props, width: 1200 },
      { ip: IPS[p.visitor], ua: UAS[p.visitor % 4] },
    );
    if (res.statusCode !== 202) throw new Error(res.body);
  }
  // Bots on every day: answered 202 and never stored.
  for (const day of DAYS) {
    t.app.analytics.clock = () => Date.parse(`${day}T12:00:00Z`);
    const res = await collect(t.app, { site: site.code, name: 'pageview', url: 'https://example.com/' }, { ip: '9.9.9.9', ua: UA.googlebot });
    expect(res.headers['x-sentrypulse-dropped']).toBe('bot');
  }
  await drain.drain(t.app);
  t.app.analytics.clock = () => Date.parse(`${TODAY}T10:26:00Z`);
}, 120_000);

afterAll(async () => {
  drain.close();
  await t.close();
});

async function statsOf(from: string, to: string, filter?: string) {
  const res = await get(`/stats?from=${from}&to=${to}${filter ? `&filter=${encodeURIComponent(filter)}` : ''}`);
  expect(res.statusCode).toBe(200);
  return res.json();
}

async function breakdownOf(property: string, limit = 100) {
  const res = await get(`/breakdown?property=${property}&from=${DAYS[0]}&to=${TODAY}&limit=${limit}`);
  expect(res.statusCode).toBe(200);
  return res.json().items;
}

describe('a generated dataset: exact figures from raw events', () => {
  it('the plan has the shape the model says (42 visits, 18 of them bounces, 36 daily visitors)', () => {
    expect(modelRange(DAYS)).toMatchObject({ visits: 42, visitors: 36, bounce_rate: 42.9 });
  });

  it('stores every planned event and no bot', async () => {
    const n = await t.db.selectFrom('pageviews_raw').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(PLAN.length);
  });

  it('counts the same visitor once within a day but once per day across days (daily salt)', async () => {
    const rows = await t.db.selectFrom('pageviews_raw').select(['visitor_id', 'ts']).execute();
    const perDay = new Map<string, Set<string>>();
    for (const r of rows) {
      const d = r.ts.toISOString().slice(0, 10);
      perDay.set(d, (perDay.get(d) ?? new Set()).add(r.visitor_id.toString('hex')));
    }
    for (const d of DAYS) expect(perDay.get(d)!.size).toBe(12);
    expect(new Set(rows.map((r) => r.visitor_id.toString('hex'))).size).toBe(36);
    const s = await statsOf(DAYS[0]!, TODAY);
    expect(s.visitors).toBe(36);
    expect((await statsOf(TODAY, TODAY)).visitors).toBe(12);
  });

  it('summary over the range matches the model', async () => {
    const s = await statsOf(DAYS[0]!, TODAY);
    expect(s).toMatchObject(modelRange(DAYS));
    expect(s.interval).toBe('day');
    expect(s.timeseries).toEqual(DAYS.map((d) => ({ date: d, pageviews: modelDay(d).pageviews, visitors: modelDay(d).visitors })));
  });

  it('change vs the previous period', async () => {
    const s = await statsOf(DAYS[1]!, DAYS[1]!);
    expect(s.previous).toMatchObject(modelRange([DAYS[0]!]));
    expect(s.change.pageviews).toBe(0);
    const t2 = await statsOf(TODAY, TODAY);
    const cur = modelRange([TODAY]);
    const prev = modelRange([DAYS[1]!]);
    expect(t2.change.pageviews).toBe(Math.round(((cur.pageviews - prev.pageviews) / prev.pageviews) * 1000) / 10);
  });

  it('previous_timeseries: the previous period point for point, daily and hourly, filtered too', async () => {
    const point = (date: string, filter?: (p: Planned) => boolean) => ({ date, pageviews: modelDay(date.slice(0, 10), filter).pageviews, visitors: modelDay(date.slice(0, 10), filter).visitors });
    // 3 days from today: the previous 3 days are 02-28 (nothing), 03-01 and 03-02.
    const s = await statsOf(TODAY, addDays(TODAY, 2));
    expect(s.interval).toBe('day');
    expect(s.timeseries.map((p: { date: string }) => p.date)).toEqual([TODAY, addDays(TODAY, 1), addDays(TODAY, 2)]);
    expect(s.previous_timeseries).toEqual([{ date: '2026-02-28', pageviews: 0, visitors: 0 }, point(DAYS[0]!), point(DAYS[1]!)]);
    // The series sums to the previous figures.
    expect(s.previous_timeseries.reduce((n: number, p: { pageviews: number }) => n + p.pageviews, 0)).toBe(s.previous.pageviews);

    const onPricing = (p: Planned) => p.path === '/pricing';
    const f = await statsOf(TODAY, addDays(TODAY, 2), 'page:/pricing');
    expect(f.previous_timeseries).toEqual([{ date: '2026-02-28', pageviews: 0, visitors: 0 }, point(DAYS[0]!, onPricing), point(DAYS[1]!, onPricing)]);

    // Hourly (one day): yesterday's 24 hours, aligned with today's; its visits sit at 10:00 and 14:00.
    const h = await statsOf(TODAY, TODAY);
    expect(h.previous_timeseries).toHaveLength(24);
    expect(h.previous_timeseries.map((p: { date: string }) => p.date)).toEqual(h.timeseries.map((p: { date: string }) => p.date.replace(TODAY, DAYS[1]!)));
    const yesterday = PLAN.filter((p) => p.day === DAYS[1] && p.name === 'pageview');
    const hourOf = (p: Planned) => new Date(p.ts).getUTCHours();
    expect(h.previous_timeseries[10]).toEqual({ date: `${DAYS[1]} 10:00`, pageviews: yesterday.filter((p) => hourOf(p) === 10).length, visitors: 12 });
    expect(h.previous_timeseries[14]).toEqual({ date: `${DAYS[1]} 14:00`, pageviews: 3, visitors: 3 });
    expect(h.previous_timeseries.filter((p: { pageviews: number }) => p.pageviews > 0)).toHaveLength(2);

    // Two days are hourly too: 48 points each.
    const two = await statsOf(DAYS[1]!, TODAY);
    expect([two.timeseries.length, two.previous_timeseries.length]).toEqual([48, 48]);
    expect(two.previous_timeseries[0].date).toBe('2026-02-28 00:00');
    expect(two.previous_timeseries[34]).toMatchObject({ date: `${DAYS[0]} 10:00`, visitors: 12 });
  });

  it('hourly timeseries for a single day', async () => {
    const s = await statsOf(TODAY, TODAY);
    expect(s.interval).toBe('hour');
    expect(s.timeseries).toHaveLength(24);
    expect(s.timeseries[10]).toEqual({ date: `${TODAY} 10:00`, pageviews: modelDay(TODAY).pageviews, visitors: 12 });
    expect(s.timeseries.filter((p: { pageviews: number }) => p.pageviews > 0)).toHaveLength(1);
  });

  it.each(Object.keys(PROPERTY_MODELS))('breakdown by %s matches the model', async (property) => {
    const expected = PROPERTY_MODELS[property]!();
    expect(expected.length).toBeGreaterThan(0);
    expect(await breakdownOf(property)).toEqual(expected);
  });

  it('filters: page:/pricing', async () => {
    const s = await statsOf(DAYS[0]!, TODAY, 'page:/pricing');
    expect(s).toMatchObject(modelRange(DAYS, (p) => p.path === '/pricing'));
    const res = await get(`/breakdown?property=referrer&from=${DAYS[0]}&to=${TODAY}&filter=${encodeURIComponent('page:/pricing')}`);
    expect(res.json().items).toEqual(modelBreakdown(DAYS, (_p, evs) => first(evs).source || 'Direct / None', (p) => p.path === '/pricing'));
  });

  it('filters: several at once (country and referrer)', async () => {
    const s = await statsOf(DAYS[0]!, TODAY, 'country:GB;referrer:Google');
    expect(s).toMatchObject(modelRange(DAYS, (p) => COUNTRIES[p.visitor] === 'GB' && PLAN.find((x) => x.visit === p.visit && x.ts <= p.ts)!.source === 'Google'));
  });

  it('realtime: visitors in the last five minutes', async () => {
    const now = Date.parse(`${TODAY}T10:26:00Z`);
    const recent = PLAN.filter((p) => p.ts >= now - 5 * 60_000);
    const res = await get('/realtime');
    expect(res.json()).toEqual({ visitors: new Set(recent.map((p) => p.visitor)).size, pageviews: recent.filter((p) => p.name === 'pageview').length });
  });

  it('limits breakdowns to the top N', async () => {
    expect(await breakdownOf('page', 2)).toEqual(PROPERTY_MODELS.page!().slice(0, 2));
  });
});

describe('daily aggregation', () => {
  let before: { stats: unknown; breakdowns: Record<string, unknown> };

  it('rolls up every complete day, and the API gives the same answers from rollups + raw today', async () => {
    before = { stats: await statsOf(DAYS[0]!, TODAY), breakdowns: {} };
    for (const p of Object.keys(PROPERTY_MODELS)) before.breakdowns[p] = await breakdownOf(p);

    const s = (await findSiteForAggregation(t.db, site.siteId))!;
    const done = await aggregatePendingDays(t.db, s, Date.parse(`${TODAY}T01:00:00Z`));
    expect(done).toEqual([DAYS[0], DAYS[1]]);
    const row = await t.db.selectFrom('sites').select('aggregated_through').where('id', '=', site.siteId).executeTakeFirstOrThrow();
    expect(row.aggregated_through!.toISOString().slice(0, 10)).toBe(DAYS[1]);

    expect(await statsOf(DAYS[0]!, TODAY)).toEqual(before.stats);
    for (const p of Object.keys(PROPERTY_MODELS)) expect(await breakdownOf(p)).toEqual(before.breakdowns[p]);
  });

  it('stores, for each day, exactly the figures computed from raw', async () => {
    for (const day of DAYS.slice(0, 2)) {
      const scope = { siteId: site.siteId, timezone: 'UTC', fromUtc: localDayStartUtc(day, 'UTC'), toUtc: localDayStartUtc(addDays(day, 1), 'UTC') };
      const raw = (await dailyTotalsFromRaw(t.db, scope))[0]!;
      const rolled = await t.db.selectFrom('pageviews_daily').selectAll().where('site_id', '=', site.siteId).where('date', '=', new Date(`${day}T00:00:00Z`)).executeTakeFirstOrThrow();
      const { day: _d, ...figures } = raw;
      expect({ ...figures }).toEqual({
        pageviews: rolled.pageviews,
        events: rolled.events,
        visitors: rolled.visitors,
        visits: rolled.visits,
        bounces: rolled.bounces,
        duration_ms: Number(rolled.duration_ms),
      });
      expect(figures).toEqual(modelDay(day));
      for (const dimension of ROLLUP_DIMENSIONS) {
        const fromRaw = (await breakdownFromRaw(t.db, scope, dimension)).map(({ day: _x, ...r }) => r).sort((a, b) => (a.value < b.value ? -1 : 1));
        const stored = (
          await t.db
            .selectFrom('pageviews_daily_breakdowns')
            .select(['value', 'visitors', 'visits', 'pageviews', 'events'])
            .where('site_id', '=', site.siteId)
            .where('dimension', '=', dimension)
            .where('date', '=', new Date(`${day}T00:00:00Z`))
            .execute()
        ).sort((a, b) => (a.value < b.value ? -1 : 1));
        expect(stored, `${day} ${dimension}`).toEqual(fromRaw);
      }
    }
  });

  it('is idempotent: running again changes nothing', async () => {
    const snapshot = async () => ({
      daily: await t.db.selectFrom('pageviews_daily').selectAll().orderBy('date').execute(),
      breakdowns: await t.db.selectFrom('pageviews_daily_breakdowns').selectAll().orderBy(['dimension', 'date', 'value_hash']).execute(),
    });
    const a = await snapshot();
    const s = (await findSiteForAggregation(t.db, site.siteId))!;
    await aggregatePendingDays(t.db, s, Date.parse(`${TODAY}T01:00:00Z`));
    expect(await snapshot()).toEqual(a);
    expect(await statsOf(DAYS[0]!, TODAY)).toEqual(before.stats);
  });
});

describe('visits across midnight and time zones', () => {
  it('a visit crossing midnight UTC continues under yesterday\'s visitor id', async () => {
    const s = await createSiteFixture(t, { domain: 'night.example.org' });
    const body = { site: s.code, name: 'pageview', url: 'https://night.example.org/' };
    const times = ['2026-03-01T23:50:00Z', '2026-03-02T00:10:00Z', '2026-03-02T00:35:00Z', '2026-03-02T01:30:00Z'];
    for (const at of times) {
      t.app.analytics.clock = () => Date.parse(at);
      expect((await collect(t.app, body, { ip: '8.8.8.8', ua: UA.firefoxLinux })).statusCode).toBe(202);
      await drain.drain(t.app);
    }
    const rows = await t.db.selectFrom('pageviews_raw').select(['visit_id', 'visitor_id']).where('site_id', '=', s.siteId).orderBy('ts').execute();
    const visits = rows.map((r) => r.visit_id);
    expect(visits[1]).toBe(visits[0]);
    expect(visits[2]).toBe(visits[0]);
    expect(visits[3]).not.toBe(visits[0]); // 55 min of silence ends the visit
    expect(rows[1]!.visitor_id.equals(rows[0]!.visitor_id)).toBe(true);
    expect(rows[3]!.visitor_id.equals(rows[0]!.visitor_id)).toBe(false); // a new visit gets today's id
  });

  it('uses the site\'s time zone for day and hour boundaries', async () => {
    const s = await createSiteFixture(t, { domain: 'ny.example.org', timezone: 'America/New_York' });
    // 03:00 UTC on 1 March is 22:00 on 28 February in New York (UTC-5).
    t.app.analytics.clock = () => Date.parse('2026-03-01T03:00:00Z');
    await collect(t.app, { site: s.code, name: 'pageview', url: 'https://ny.example.org/' }, { ip: '8.8.8.8' });
    await drain.drain(t.app);
    const h = (url: string) => t.app.inject({ method: 'GET', url: `/api/teams/${s.teamId}/sites/${s.siteId}${url}`, headers: bearer(s.owner) });
    const feb = (await h('/stats?from=2026-02-28&to=2026-02-28')).json();
    expect(feb.pageviews).toBe(1);
    expect(feb.timezone).toBe('America/New_York');
    expect(feb.timeseries.find((p: { pageviews: number }) => p.pageviews === 1).date).toBe('2026-02-28 22:00');
    expect((await h('/stats?from=2026-03-01&to=2026-03-01')).json().pageviews).toBe(0);
    const agg = (await findSiteForAggregation(t.db, s.siteId))!;
    await aggregatePendingDays(t.db, agg, Date.parse('2026-03-02T12:00:00Z'));
    const rolled = await t.db.selectFrom('pageviews_daily').select(['date', 'pageviews']).where('site_id', '=', s.siteId).execute();
    expect(rolled.map((r) => [r.date.toISOString().slice(0, 10), r.pageviews])).toEqual([['2026-02-28', 1]]);
    expect((await h('/stats?from=2026-02-28&to=2026-03-01')).json().pageviews).toBe(1);
  });
});

describe('CSV export', () => {
  it('exports daily figures and breakdowns, escaping cells that would run as formulas', async () => {
    const s = await createSiteFixture(t, { domain: 'csv.example.org' });
    t.app.analytics.clock = () => Date.parse(`${TODAY}T09:00:00Z`);
    await collect(t.app, { site: s.code, name: 'pageview', url: 'https://csv.example.org/?utm_campaign=%3DHYPERLINK(%22x%22)' }, { ip: '8.8.8.8' });
    await drain.drain(t.app);
    const h = (url: string) => t.app.inject({ method: 'GET', url: `/api/teams/${s.teamId}/sites/${s.siteId}${url}`, headers: bearer(s.owner) });
    const byCampaign = await h(`/export?from=${TODAY}&to=${TODAY}&property=utm_campaign`);
    expect(byCampaign.statusCode).toBe(200);
    expect(byCampaign.headers['content-type']).toContain('text/csv');
    expect(byCampaign.headers['content-disposition']).toContain('attachment');
    expect(byCampaign.body).toBe(`utm_campaign,visitors,visits,pageviews,events\r\n"'=HYPERLINK(""x"")",1,1,1,0\r\n`);
    const daily = await h(`/export?from=${DAYS[1]}&to=${TODAY}`);
    expect(daily.body).toBe(`date,pageviews,visitors,visits,bounce_rate,visit_duration,events\r\n${DAYS[1]},0,0,0,0,0,0\r\n${TODAY},1,1,1,100,0,0\r\n`);
  });
});

describe('stats: bad input', () => {
  it.each([
    ['/stats?from=2026-03-02&to=2026-03-01', 400],
    ['/stats?from=yesterday&to=2026-03-01', 400],
    ['/stats?from=2020-01-01&to=2026-03-01', 400],
    ['/stats?from=2026-03-01', 400],
    ['/stats?from=2026-03-01&to=2026-03-01&filter=nope:/x', 400],
    ['/stats?from=2026-03-01&to=2026-03-01&filter=page', 400],
    ['/breakdown?property=colour&from=2026-03-01&to=2026-03-01', 400],
    ['/breakdown?property=page&from=2026-03-01&to=2026-03-01&limit=0', 400],
    ['/export?from=2026-03-01&to=2026-03-01&property=x', 400],
  ])('%s -> %i problem', async (url, status) => {
    const res = await get(url);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('another team\'s site answers 404', async () => {
    const other = await createSiteFixture(t, { domain: 'other.example.org' });
    for (const path of ['/stats?from=2026-03-01&to=2026-03-01', '/breakdown?property=page&from=2026-03-01&to=2026-03-01', '/realtime', '/export?from=2026-03-01&to=2026-03-01']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/teams/${site.teamId}/sites/${other.siteId}${path}`, headers: bearer(site.owner) });
      expect(res.statusCode).toBe(404);
      const cross = await t.app.inject({ method: 'GET', url: `/api/teams/${other.teamId}/sites/${other.siteId}${path}`, headers: bearer(site.owner) });
      expect(cross.statusCode).toBe(404);
    }
  });
});

describe('breakdowns merging rollups and today', () => {
  it('ranks exactly when a value low in the rolled-up days leads today', async () => {
    const s = await createSiteFixture(t, { domain: 'rank.example.org' });
    const send = async (at: string, path: string, visitor: number) => {
      t.app.analytics.clock = () => Date.parse(at);
      const res = await collect(t.app, { site: s.code, name: 'pageview', url: `https://rank.example.org${path}` }, { ip: `8.8.4.${visitor}` });
      expect(res.statusCode).toBe(202);
    };
    // Yesterday: /a by 3 visitors, /b by 2, /c by 1. Today: /c by 5 more.
    let v = 1;
    for (const [path, n] of [['/a', 3], ['/b', 2], ['/c', 1]] as const) for (let i = 0; i < n; i++) await send('2026-03-02T09:00:00Z', path, v++);
    for (let i = 0; i < 5; i++) await send('2026-03-03T09:00:00Z', '/c', 100 + i);
    await drain.drain(t.app);
    t.app.analytics.clock = () => Date.parse('2026-03-03T12:00:00Z');
    const h = (limit: number) =>
      t.app.inject({ method: 'GET', url: `/api/teams/${s.teamId}/sites/${s.siteId}/breakdown?property=page&from=2026-03-02&to=2026-03-03&limit=${limit}`, headers: bearer(s.owner) });
    const before = [(await h(1)).json().items, (await h(2)).json().items];
    expect(before[1].map((i: { value: string; visitors: number }) => [i.value, i.visitors])).toEqual([['/c', 6], ['/a', 3]]);

    const agg = (await findSiteForAggregation(t.db, s.siteId))!;
    expect(await aggregatePendingDays(t.db, agg, Date.parse('2026-03-03T12:00:00Z'))).toEqual(['2026-03-02']);
    expect([(await h(1)).json().items, (await h(2)).json().items]).toEqual(before);
  });
});

describe('month rollups', () => {
  it('whole months read from month rows give the same breakdowns as the days they sum', async () => {
    const s = await createSiteFixture(t, { domain: 'months.example.org' });
    let v = 1;
    const send = async (at: string, path: string, ref?: string) => {
      t.app.analytics.clock = () => Date.parse(at);
      const res = await collect(t.app, { site: s.code, name: 'pageview', url: `https://months.example.org${path}`, referrer: ref }, { ip: `81.2.69.${v++}` });
      expect(res.statusCode).toBe(202);
    };
    await send('2026-01-15T10:00:00Z', '/a', 'https://www.google.com/');
    await send('2026-01-15T11:00:00Z', '/a');
    await send('2026-01-20T11:00:00Z', '/b', 'https://t.co/x');
    for (let i = 0; i < 3; i++) await send('2026-02-10T09:00:00Z', '/b');
    await send('2026-02-28T23:00:00Z', '/a', 'https://www.bing.com/');
    await send('2026-03-01T08:00:00Z', '/c');
    await send('2026-03-02T08:00:00Z', '/a');
    await drain.drain(t.app);
    t.app.analytics.clock = () => Date.parse('2026-03-02T12:00:00Z');
    const h = async (property: string, from: string, limit = 10) =>
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/teams/${s.teamId}/sites/${s.siteId}/breakdown?property=${property}&from=${from}&to=2026-03-02&limit=${limit}`,
          headers: bearer(s.owner),
        })
      ).json().items;
    const cases: [string, string, number][] = [
      ['page', '2026-01-01', 10],
      ['page', '2026-01-16', 10],
      ['page', '2026-01-01', 1],
      ['referrer', '2026-01-01', 10],
      ['country', '2025-12-15', 10],
    ];
    const before = [];
    for (const c of cases) before.push(await h(...c));
    expect(before[0].map((i: { value: string; visitors: number }) => [i.value, i.visitors])).toEqual([['/a', 4], ['/b', 4], ['/c', 1]]);

    const agg = (await findSiteForAggregation(t.db, s.siteId))!;
    await aggregatePendingDays(t.db, agg, Date.parse('2026-03-02T12:00:00Z'), 60);
    const months = await t.db
      .selectFrom('pageviews_daily_breakdowns')
      .select(['date', 'value', 'visitors'])
      .where('site_id', '=', s.siteId)
      .where('dimension', '=', 'm:page')
      .orderBy(['date', 'value'])
      .execute();
    expect(months.map((m) => [m.date.toISOString().slice(0, 10), m.value, m.visitors])).toEqual([
      ['2026-01-01', '/a', 2],
      ['2026-01-01', '/b', 1],
      ['2026-02-01', '/a', 1],
      ['2026-02-01', '/b', 3],
    ]);
    const after = [];
    for (const c of cases) after.push(await h(...c));
    expect(after).toEqual(before);

    // Re-running a day of a complete month keeps the month rows right (idempotent).
    const again = (await findSiteForAggregation(t.db, s.siteId))!;
    await aggregateSiteDay(t.db, again, '2026-02-10');
    const after2 = [];
    for (const c of cases) after2.push(await h(...c));
    expect(after2).toEqual(before);
  });
});
