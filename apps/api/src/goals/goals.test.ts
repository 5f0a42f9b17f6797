import { aggregateSiteDay, findSiteForAggregation } from '@sentrypulse/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTeam, createTestApp, createUser, type TestApp } from '../../test/helpers';
import { collect, createSiteFixture, testDrainer, type SiteFixture } from '../../test/analytics';

/**
 * Goals against an independent model: a planned dataset sent through the real collect route and
 * drained by the worker's drainer; the expected figures come from plain JS over the plan. The
 * same answers must come from raw (nothing rolled up), from rollups (raw of past days deleted),
 * and for a goal created after its days were rolled up (backfilled).
 */

const DAYS = ['2026-04-01', '2026-04-02', '2026-04-03'];
const IPS = ['8.8.8.8', '8.8.4.4', '8.8.8.1', '8.8.8.2', '81.2.69.142', '81.2.69.143', '81.2.69.144', '81.2.69.145'];

interface Planned {
  day: string;
  visitor: number;
  ts: number;
  name: string;
  path: string;
  props?: Record<string, string>;
}

function plan(): Planned[] {
  const out: Planned[] = [];
  DAYS.forEach((day, d) => {
    const start = Date.parse(`${day}T09:00:00Z`);
    const count = d === 2 ? 4 : 8;
    for (let i = 0; i < count; i++) {
      const T = start + i * 300_000;
      out.push({ day, visitor: i, ts: T, name: 'pageview', path: '/' });
      if (i % 2 === 0) out.push({ day, visitor: i, ts: T + 10_000, name: 'pageview', path: `/blog/post-${i}` });
      if (i === 4 && d === 0) out.push({ day, visitor: i, ts: T + 20_000, name: 'pageview', path: '/blog/post-9' });
      if (i % 3 === 0) out.push({ day, visitor: i, ts: T + 30_000, name: 'signup', path: '/', props: { plan: i % 2 ? 'free' : 'pro', src: 'x' } });
      if (i === 0) out.push({ day, visitor: i, ts: T + 40_000, name: 'signup', path: '/', props: { plan: 'pro' } });
      if (i === 1) out.push({ day, visitor: i, ts: T + 40_000, name: 'pageview', path: '/pricing' });
    }
  });
  return out;
}
const PLAN = plan();

const GOALS = {
  blog: { body: { name: 'Read the blog', type: 'page', path: '/blog/*' }, match: (p: Planned) => p.name === 'pageview' && p.path.startsWith('/blog/') },
  pricing: { body: { name: 'Pricing', type: 'page', path: '/pricing' }, match: (p: Planned) => p.name === 'pageview' && p.path === '/pricing' },
  signup: { body: { name: 'Signup', type: 'event', event: 'signup' }, match: (p: Planned) => p.name === 'signup' },
  signupPro: { body: { name: 'Pro signup', type: 'event', event: 'signup', props: { plan: 'pro' } }, match: (p: Planned) => p.name === 'signup' && p.props?.plan === 'pro' },
} as const;

/** The model: per day distinct visitors among matching events and their count; rate of the day-summed visitors. */
function model(match: (p: Planned) => boolean, from: string, to: string) {
  const days = (a: string, b: string) => [...new Set(PLAN.map((p) => p.day))].filter((d) => d >= a && d <= b);
  const figures = (a: string, b: string) => {
    let visitors = 0;
    let conversions = 0;
    let total = 0;
    for (const d of days(a, b)) {
      const all = PLAN.filter((p) => p.day === d);
      total += new Set(all.map((p) => p.visitor)).size;
      const hit = all.filter(match);
      visitors += new Set(hit.map((p) => p.visitor)).size;
      conversions += hit.length;
    }
    return { visitors, conversions, total, rate: total ? Math.round((visitors / total) * 1000) / 10 : 0 };
  };
  const span = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
  const prevFrom = new Date(Date.parse(from) - span * 86_400_000).toISOString().slice(0, 10);
  const prevTo = new Date(Date.parse(from) - 86_400_000).toISOString().slice(0, 10);
  const cur = figures(from, to);
  const prev = figures(prevFrom, prevTo);
  const pct = (c: number, p: number) => (p === 0 ? null : Math.round(((c - p) / p) * 1000) / 10);
  return {
    visitors: cur.visitors,
    conversions: cur.conversions,
    conversion_rate: cur.rate,
    change: { visitors: pct(cur.visitors, prev.visitors), conversions: pct(cur.conversions, prev.conversions), conversion_rate: prev.total ? Math.round((cur.rate - prev.rate) * 10) / 10 : null },
  };
}

let t: TestApp;
let site: SiteFixture;
let drain: ReturnType<typeof testDrainer>;
const ids: Record<string, number> = {};
const url = (s = '') => `/api/teams/${site.teamId}/sites/${site.siteId}/goals${s}`;
const get = (q: string) => t.app.inject({ method: 'GET', url: url(q), headers: bearer(site.owner) });
const post = (payload: object) => t.app.inject({ method: 'POST', url: url(), headers: bearer(site.owner), payload });

beforeAll(async () => {
  t = await createTestApp();
  site = await createSiteFixture(t);
  drain = testDrainer(t);
  for (const p of PLAN) {
    t.app.analytics.clock = () => p.ts;
    const res = await collect(t.app, { site: site.code, name: p.name, url: `https://example.com${p.path}`, props: p.props }, { ip: IPS[p.visitor] });
    if (res.statusCode !== 202) throw new Error(res.body);
  }
  await drain.drain(t.app);
  for (const key of ['blog', 'pricing', 'signup'] as const) {
    const res = await post(GOALS[key].body);
    expect(res.statusCode, res.body).toBe(201);
    ids[key] = res.json().id;
  }
}, 120_000);

afterAll(async () => {
  drain.close();
  await t.close();
});

async function expectModel(keys: (keyof typeof GOALS)[], from: string, to: string) {
  const res = await get(`?from=${from}&to=${to}`);
  expect(res.statusCode, res.body).toBe(200);
  const items = res.json().items as { id: number; visitors: number; conversions: number; conversion_rate: number; change: unknown }[];
  for (const key of keys) {
    const item = items.find((i) => i.id === ids[key])!;
    const m = model(GOALS[key].match, from, to);
    expect({ key, visitors: item.visitors, conversions: item.conversions, conversion_rate: item.conversion_rate, change: item.change }).toEqual({ key, ...m });
  }
  return items;
}

describe('goals against the model', () => {
  it('from raw (nothing rolled up): whole range, one day, and change vs the previous period', async () => {
    const m = model(GOALS.signup.match, DAYS[0]!, DAYS[2]!);
    expect(m.conversions).toBeGreaterThan(m.visitors); // a visitor converting twice counts once as a visitor
    await expectModel(['blog', 'pricing', 'signup'], DAYS[0]!, DAYS[2]!);
    await expectModel(['blog', 'pricing', 'signup'], DAYS[1]!, DAYS[1]!);
    const items = await expectModel(['blog', 'pricing', 'signup'], DAYS[2]!, DAYS[2]!);
    expect(items.find((i) => i.id === ids.blog)!.change).not.toEqual({ visitors: null, conversions: null, conversion_rate: null });
  });

  it('after rolling up the past days, and with their raw events gone, the answers are the same', async () => {
    const agg = (await findSiteForAggregation(t.db, site.siteId))!;
    await aggregateSiteDay(t.db, agg, DAYS[0]!);
    await aggregateSiteDay(t.db, agg, DAYS[1]!);
    // A goal created after its days were rolled up is backfilled from the raw events still kept.
    const res = await post(GOALS.signupPro.body);
    expect(res.statusCode, res.body).toBe(201);
    ids.signupPro = res.json().id;
    await t.db.deleteFrom('pageviews_raw').where('site_id', '=', site.siteId).where('ts', '<', new Date(`${DAYS[2]}T00:00:00Z`)).execute();
    const rollupRows = await t.db.selectFrom('goals_daily').selectAll().execute();
    expect(rollupRows.length).toBeGreaterThanOrEqual(8);
    await expectModel(['blog', 'pricing', 'signup', 'signupPro'], DAYS[0]!, DAYS[2]!);
    await expectModel(['blog', 'pricing', 'signup', 'signupPro'], DAYS[1]!, DAYS[2]!);
    await expectModel(['blog', 'signupPro'], DAYS[2]!, DAYS[2]!);
    const pro = model(GOALS.signupPro.match, DAYS[0]!, DAYS[2]!);
    expect(pro.conversions).toBeGreaterThan(0);
    expect(pro.conversions).toBeLessThan(model(GOALS.signup.match, DAYS[0]!, DAYS[2]!).conversions);
  });
});

describe('the goal filter on breakdowns', () => {
  it('country and page breakdowns of a goal count only its conversions (today, from raw)', async () => {
    const day = DAYS[2]!;
    const b = (q: string) => t.app.inject({ method: 'GET', url: `/api/teams/${site.teamId}/sites/${site.siteId}/breakdown?from=${day}&to=${day}&${q}`, headers: bearer(site.owner) });
    const countries = await b(`property=country&goal=${ids.signup}`);
    expect(countries.statusCode, countries.body).toBe(200);
    const hits = PLAN.filter((p) => p.day === day && GOALS.signup.match(p));
    const byCountry = new Map<string, { v: Set<number>; n: number }>();
    for (const p of hits) {
      const c = p.visitor < 4 ? 'US' : 'GB';
      const cur = byCountry.get(c) ?? { v: new Set(), n: 0 };
      cur.v.add(p.visitor);
      cur.n++;
      byCountry.set(c, cur);
    }
    expect(countries.json().items.map((i: { value: string; visitors: number; events: number }) => [i.value, i.visitors, i.events])).toEqual(
      [...byCountry].map(([c, x]) => [c, x.v.size, x.n]),
    );
    const pages = await b(`property=page&goal=${ids.blog}`);
    const blogHits = PLAN.filter((p) => p.day === day && GOALS.blog.match(p));
    expect(pages.json().items.map((i: { value: string }) => i.value).sort()).toEqual([...new Set(blogHits.map((p) => p.path))].sort());
    expect((await b('property=referrer&goal=999999')).statusCode).toBe(404);
  });
});

describe('goal CRUD and bad input', () => {
  it.each([
    [{ name: 'x', type: 'page', path: 'blog/*' }, 'path'],
    [{ name: 'x', type: 'page', path: '/a b' }, 'path'],
    [{ name: 'x', type: 'page' }, 'path'],
    [{ name: 'x', type: 'page', path: '/a', event: 'signup' }, 'event'],
    [{ name: 'x', type: 'event' }, 'event'],
    [{ name: 'x', type: 'event', event: 'pageview' }, 'event'],
    [{ name: '', type: 'event', event: 'signup' }, 'name'],
    [{ name: 'x', type: 'funnel', event: 'signup' }, 'type'],
  ])('%j → 400, nothing stored (%s)', async (body: object, _field: string) => {
    const before = await t.db.selectFrom('site_goals').select('id').execute();
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(await t.db.selectFrom('site_goals').select('id').execute()).toEqual(before);
  });

  it('another team cannot see or delete the goals; a member without sites.write cannot create', async () => {
    const other = await createUser(t, 'Other');
    const otherTeam = await createTeam(t, other, 'business');
    const res = await t.app.inject({ method: 'GET', url: `/api/teams/${otherTeam}/sites/${site.siteId}/goals?from=${DAYS[0]}&to=${DAYS[0]}`, headers: bearer(other) });
    expect(res.statusCode).toBe(404);
    const del = await t.app.inject({ method: 'DELETE', url: `/api/teams/${otherTeam}/sites/${site.siteId}/goals/${ids.blog}`, headers: bearer(other) });
    expect(del.statusCode).toBe(404);
    const direct = await t.app.inject({ method: 'POST', url: url(), headers: bearer(other), payload: GOALS.blog.body });
    expect([403, 404]).toContain(direct.statusCode);
  });

  it('bad ranges are 400; delete is 204 then 404, and its rollups go with it', async () => {
    expect((await get(`?from=${DAYS[2]}&to=${DAYS[0]}`)).statusCode).toBe(400);
    expect((await get(`?from=nope&to=${DAYS[0]}`)).statusCode).toBe(400);
    const del = () => t.app.inject({ method: 'DELETE', url: url(`/${ids.pricing}`), headers: bearer(site.owner) });
    expect((await del()).statusCode).toBe(204);
    expect((await del()).statusCode).toBe(404);
    const left = await t.db.selectFrom('goals_daily').select('goal_id').where('goal_id', '=', ids.pricing!).execute();
    expect(left).toEqual([]);
    const items = (await get(`?from=${DAYS[0]}&to=${DAYS[2]}`)).json().items as { id: number }[];
    expect(items.map((i) => i.id)).not.toContain(ids.pricing);
  });
});
