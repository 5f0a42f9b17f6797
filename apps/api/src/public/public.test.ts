import { PublicIncidentHistory, PublicStatusPage } from '@sentrypulse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { invalidateStatusPagesForTeam } from '@sentrypulse/db';
import { bearer, createTeam, createTestApp, createUser, teamWithRoles, type TestApp, type TestUser } from '../../test/helpers';
import { cachesByPrefix } from './routes';
import { insertIncident, insertMaintenance, insertMonitor, insertRollups, SECRET_ERROR, SECRET_URL_HOST } from './fixtures';
import { assertInertFragment, assertNoInjectedMarkup } from './test-support';

let t: TestApp;
let teamId: number;
let admin: TestUser;
let member: TestUser;
let api: number;
let web: number;
let db: number;
let pageId: number;
const SLUG = 'acme';
const XSS = 'xss-marker';

beforeAll(async () => {
  t = await createTestApp();
  ({ teamId, admin, member } = await teamWithRoles(t, 'business'));
  api = await insertMonitor(t.db, teamId, { name: 'prod-api-eu-internal', status: 'up' });
  web = await insertMonitor(t.db, teamId, { name: 'prod-web-internal', status: 'up' });
  db = await insertMonitor(t.db, teamId, { name: 'prod-db-internal', status: 'down' });
  await insertRollups(t.db, teamId, api, 90, { 89: 864 });
  await insertRollups(t.db, teamId, web, 30);
  await insertRollups(t.db, teamId, db, 90, { 88: 43_200, 89: 3_600 });
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/teams/${teamId}/status-pages`,
    headers: bearer(admin),
    payload: {
      slug: SLUG,
      title: 'Acme Status',
      description: 'All Acme services',
      accent_color: '#1f6feb',
      components: [
        { monitor_id: api, name: 'API', group: 'Core' },
        { monitor_id: web, name: 'Website', group: 'Core' },
        { monitor_id: db, name: 'Database' },
      ],
    },
  });
  expect(res.statusCode).toBe(201);
  pageId = res.json().id;
});
afterAll(() => t.close());

function fresh() {
  cachesByPrefix.get(t.config.redisPrefix)!.clearLocal();
}

async function getPage(slug = SLUG, headers: Record<string, string> = {}) {
  fresh();
  return t.app.inject({ method: 'GET', url: `/api/public/status-pages/${slug}`, headers });
}

describe('GET /api/public/status-pages/:slug', () => {
  it('answers the contract: components with status and 90 days, overall status by the rule', async () => {
    const res = await getPage();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const page = PublicStatusPage.parse(res.json());
    expect(page).toMatchObject({ slug: SLUG, title: 'Acme Status', description: 'All Acme services', accent_color: '#1f6feb', logo_url: null });
    // One of three known components down: a partial outage.
    expect(page.status).toBe('partial_outage');
    expect(page.components.map((c) => [c.name, c.group, c.status])).toEqual([
      ['API', 'Core', 'operational'],
      ['Website', 'Core', 'operational'],
      ['Database', null, 'outage'],
    ]);
    for (const c of page.components) expect(c.days).toHaveLength(90);
    const apiBar = page.components[0]!;
    expect(apiBar.days.at(-1)).toMatchObject({ uptime: 99, downtime_seconds: 864 });
    expect(apiBar.uptime_90d).toBe(99.98); // 864 s of 90 days
    const webBar = page.components[1]!;
    expect(webBar.days.slice(0, 60).every((d) => d.uptime === null)).toBe(true);
    expect(webBar.uptime_90d).toBe(100);
    expect(page.components[2]!.days.at(-2)!.uptime).toBe(50);
    expect(page.active_incidents).toEqual([]);
    expect(page.maintenances).toEqual([]);
  });

  it('exposes nothing that is not on the page: no monitor URL, name, error, team id or monitor id', async () => {
    const res = await getPage();
    const body = res.body;
    expect(body).not.toContain(SECRET_URL_HOST);
    expect(body).not.toContain('s3cr3t');
    expect(body).not.toContain(SECRET_ERROR);
    expect(body).not.toContain('secret-error-text');
    expect(body).not.toContain('internal');
    expect(body).not.toMatch(/team_id|monitor_id|"url"|last_error|"error"/);
    // Only the documented keys, at every level.
    const page = res.json();
    expect(Object.keys(page).sort()).toEqual(Object.keys(PublicStatusPage.shape).sort());
    // `id` is the page component's own id (what subscribers choose), never the monitor's.
    expect(Object.keys(page.components[0]).sort()).toEqual(['days', 'group', 'id', 'name', 'status', 'uptime_90d']);
    const componentIds = (await t.db.selectFrom('status_page_components').select('id').execute()).map((c) => c.id);
    for (const c of page.components) expect(componentIds).toContain(c.id);
  });

  it('answers 404 for a missing slug, a malformed slug and a private page, all alike', async () => {
    await t.db.insertInto('status_pages').values({ team_id: teamId, slug: 'secret-page', title: 'Hidden', is_public: false }).execute();
    const missing = await getPage('nope');
    const hidden = await getPage('secret-page');
    const malformed = await getPage('..%2F..%2Fetc');
    for (const r of [missing, hidden, malformed]) {
      expect(r.statusCode).toBe(404);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.body).not.toContain('Hidden');
    }
    expect(hidden.json()).toEqual(missing.json());
  });

  it('shows a private page to a member of its team (uncached), and to nobody else', async () => {
    const res = await getPage('secret-page', bearer(member));
    expect(res.statusCode).toBe(200);
    expect(res.json().title).toBe('Hidden');
    expect(res.headers['cache-control']).toBe('private, no-store');
    const stranger = await createUser(t, 'Stranger');
    await createTeam(t, stranger);
    expect((await getPage('secret-page', bearer(stranger))).statusCode).toBe(404);
    expect((await getPage('secret-page', { authorization: 'Bearer not-a-token' })).statusCode).toBe(404);
  });

  it('serves gzip, an ETag and 304 for a matching If-None-Match, with public caching headers', async () => {
    fresh();
    const plain = await t.app.inject({ method: 'GET', url: `/api/public/status-pages/${SLUG}` });
    const gz = await t.app.inject({ method: 'GET', url: `/api/public/status-pages/${SLUG}`, headers: { 'accept-encoding': 'gzip, br' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(plain.body);
    expect(gz.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
    expect(plain.headers['cache-control']).toBe('public, max-age=10, stale-while-revalidate=30');
    expect(plain.headers['access-control-allow-origin']).toBe('*');
    const etag = plain.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await t.app.inject({ method: 'GET', url: `/api/public/status-pages/${SLUG}`, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });
});

describe('incidents and maintenance on the page', () => {
  it('shows a manual incident with its timeline, escaped and in the safe Markdown subset', async () => {
    const attack = [
      `<script>alert("${XSS}")</script>`,
      `<img src=x onerror="alert('${XSS}')">`,
      `[click me](javascript:alert('${XSS}'))`,
      `<a href="javascript:alert('${XSS}')">x</a>`,
      '**fixed** see [status](https://example.com/ok)',
    ].join('\n\n');
    await insertIncident(t.db, teamId, {
      kind: 'manual',
      title: `<script>alert("${XSS}")</script> API latency`,
      status: 'identified',
      severity: 'minor',
      monitor_ids: [api],
      updates: [
        { status: 'investigating', message: 'Looking into it', created_by: admin.id, created_at: new Date(Date.now() - 60_000) },
        { status: 'identified', message: attack, created_by: admin.id, created_at: new Date() },
      ],
    });
    await invalidateStatusPagesForTeam(t.app.redis, t.config.redisPrefix, teamId);
    const page = PublicStatusPage.parse((await getPage()).json());
    expect(page.active_incidents).toHaveLength(1);
    const inc = page.active_incidents[0]!;
    expect(inc.title).toBe(`<script>alert("${XSS}")</script> API latency`); // JSON carries text; HTML is the web's job
    expect(inc.components).toEqual(['API']);
    expect(inc.updates.map((u) => u.status)).toEqual(['identified', 'investigating']);
    const html = inc.updates[0]!.message_html;
    assertInertFragment(html);
    assertNoInjectedMarkup(html, XSS);
    expect(html).toContain('<strong>fixed</strong>');
    expect(html).toContain('<a href="https://example.com/ok" rel="nofollow noopener noreferrer ugc">status</a>');
    expect(html).toContain('&lt;script&gt;');
    // A minor incident on an up monitor: degraded component; the down database still wins overall.
    expect(page.components[0]!.status).toBe('degraded');
    expect(page.status).toBe('partial_outage');
  });

  it('never shows what the engine wrote for automatic incidents: no monitor name, no error text', async () => {
    await insertIncident(t.db, teamId, {
      kind: 'auto',
      title: 'prod-db-internal is down',
      status: 'investigating',
      severity: 'critical',
      monitor_id: db,
      updates: [{ status: 'investigating', message: `Check failed: ${SECRET_ERROR} at https://${SECRET_URL_HOST}/`, created_by: null }],
    });
    await invalidateStatusPagesForTeam(t.app.redis, t.config.redisPrefix, teamId);
    const res = await getPage();
    expect(res.body).not.toContain('internal');
    expect(res.body).not.toContain(SECRET_ERROR);
    expect(res.body).not.toContain(SECRET_URL_HOST);
    const auto = res.json().active_incidents.find((i: { components: string[] }) => i.components.includes('Database'));
    expect(auto.title).toBe('Database: outage');
    expect(auto.updates[0].message).toBe('We are investigating a problem.');
  });

  it('hides certificate warnings and incidents of other monitors', async () => {
    const other = await insertMonitor(t.db, teamId);
    await insertIncident(t.db, teamId, { kind: 'certificate', title: 'cert expiring', monitor_id: api, severity: 'minor' });
    await insertIncident(t.db, teamId, { kind: 'manual', title: 'Unrelated thing', monitor_ids: [other] });
    await invalidateStatusPagesForTeam(t.app.redis, t.config.redisPrefix, teamId);
    const body = (await getPage()).body;
    expect(body).not.toContain('cert expiring');
    expect(body).not.toContain('Unrelated thing');
  });

  it('shows an incident placed on the page directly, and it moves the overall status', async () => {
    const o = await createUser(t, 'Solo');
    const team = await createTeam(t, o, 'business');
    const m = await insertMonitor(t.db, team, { status: 'up' });
    const created = (
      await t.app.inject({ method: 'POST', url: `/api/teams/${team}/status-pages`, headers: bearer(o), payload: { slug: 'solo', title: 'Solo', components: [{ monitor_id: m, name: 'App' }] } })
    ).json();
    expect((await getPage('solo')).json().status).toBe('operational');
    await insertIncident(t.db, team, { kind: 'manual', title: 'Payment provider issues', severity: 'critical', status_page_ids: [created.id] });
    await invalidateStatusPagesForTeam(t.app.redis, t.config.redisPrefix, team);
    const page = (await getPage('solo')).json();
    expect(page.status).toBe('partial_outage');
    expect(page.active_incidents[0]).toMatchObject({ title: 'Payment provider issues', components: [] });
  });

  it('lists maintenances and marks components in an active window as maintenance', async () => {
    const o = await createUser(t, 'Maint');
    const team = await createTeam(t, o, 'business');
    const m1 = await insertMonitor(t.db, team, { status: 'down' });
    const m2 = await insertMonitor(t.db, team, { status: 'up' });
    await t.app.inject({
      method: 'POST',
      url: `/api/teams/${team}/status-pages`,
      headers: bearer(o),
      payload: { slug: 'maint', title: 'M', components: [{ monitor_id: m1, name: 'DB' }, { monitor_id: m2, name: 'App' }] },
    });
    const now = Date.now();
    await insertMaintenance(t.db, team, [m1], new Date(now - 60_000), new Date(now + 3_600_000), 'Upgrade', `We upgrade <script>alert("${XSS}")</script> **now**`);
    await insertMaintenance(t.db, team, [m2], new Date(now + 86_400_000), new Date(now + 90_000_000), 'Later');
    await insertMaintenance(t.db, team, [m2], new Date(now - 90_000_000), new Date(now - 86_400_000), 'Past');
    const page = PublicStatusPage.parse((await getPage('maint')).json());
    expect(page.components.map((c) => c.status)).toEqual(['maintenance', 'operational']);
    expect(page.status).toBe('maintenance');
    expect(page.maintenances.map((mw) => [mw.title, mw.status, mw.components])).toEqual([
      ['Upgrade', 'in_progress', ['DB']],
      ['Later', 'scheduled', ['App']],
    ]);
    assertInertFragment(page.maintenances[0]!.description_html);
    expect(page.maintenances[0]!.description_html).toContain('<strong>now</strong>');
  });
});

describe('incident history', () => {
  it('pages resolved incidents newest first with a cursor, 10 on the page itself', async () => {
    const o = await createUser(t, 'Hist');
    const team = await createTeam(t, o, 'business');
    const m = await insertMonitor(t.db, team);
    await t.app.inject({ method: 'POST', url: `/api/teams/${team}/status-pages`, headers: bearer(o), payload: { slug: 'hist', title: 'H', components: [{ monitor_id: m, name: 'App' }] } });
    const ids: number[] = [];
    for (let i = 0; i < 13; i += 1) {
      ids.push(await insertIncident(t.db, team, { kind: 'manual', title: `Past ${i}`, status: 'resolved', monitor_ids: [m], started_at: new Date(Date.now() - (20 - i) * 86_400_000) }));
    }
    const page = PublicStatusPage.parse((await getPage('hist')).json());
    expect(page.past_incidents.map((i) => i.title)).toEqual(Array.from({ length: 10 }, (_, k) => `Past ${12 - k}`));
    expect(page.past_incidents_next_cursor).toBe(String(ids[3]));
    expect(page.past_incidents[0]!.updates.map((u) => u.status)).toEqual(['resolved', 'investigating']);
    fresh();
    const h1 = PublicIncidentHistory.parse((await t.app.inject({ method: 'GET', url: '/api/public/status-pages/hist/history?limit=5' })).json());
    expect(h1.items.map((i) => i.title)).toEqual(['Past 12', 'Past 11', 'Past 10', 'Past 9', 'Past 8']);
    const h2 = PublicIncidentHistory.parse((await t.app.inject({ method: 'GET', url: `/api/public/status-pages/hist/history?limit=5&cursor=${h1.next_cursor}` })).json());
    expect(h2.items.map((i) => i.title)).toEqual(['Past 7', 'Past 6', 'Past 5', 'Past 4', 'Past 3']);
    const bad = await t.app.inject({ method: 'GET', url: '/api/public/status-pages/hist/history?cursor=abc' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const badLimit = await t.app.inject({ method: 'GET', url: '/api/public/status-pages/hist/history?limit=1000' });
    expect(badLimit.statusCode).toBe(400);
  });

  it('shows no history when the page turns it off', async () => {
    await t.app.inject({ method: 'PATCH', url: `/api/teams/${teamId}/status-pages/${pageId}`, headers: bearer(admin), payload: { show_incident_history: false } });
    await insertIncident(t.db, teamId, { kind: 'manual', title: 'Old resolved', status: 'resolved', monitor_ids: [api] });
    const page = (await getPage()).json();
    expect(page.show_incident_history).toBe(false);
    expect(page.past_incidents).toEqual([]);
    fresh();
    expect((await t.app.inject({ method: 'GET', url: `/api/public/status-pages/${SLUG}/history` })).json().items).toEqual([]);
    await t.app.inject({ method: 'PATCH', url: `/api/teams/${teamId}/status-pages/${pageId}`, headers: bearer(admin), payload: { show_incident_history: true } });
  });
});

describe('caching and invalidation', () => {
  it('serves the cached copy until the team version is bumped, then the change shows', async () => {
    const o = await createUser(t, 'Cache');
    const team = await createTeam(t, o, 'business');
    const m = await insertMonitor(t.db, team, { status: 'up' });
    await t.app.inject({ method: 'POST', url: `/api/teams/${team}/status-pages`, headers: bearer(o), payload: { slug: 'cached', title: 'C', components: [{ monitor_id: m, name: 'App' }] } });
    expect((await getPage('cached')).json().status).toBe('operational');
    await t.db.updateTable('monitors').set({ status: 'down' }).where('id', '=', m).execute();
    // Without a bump the Redis copy is still served (even with the in-process layer dropped).
    expect((await getPage('cached')).json().status).toBe('operational');
    expect(await invalidateStatusPagesForTeam(t.app.redis, t.config.redisPrefix, team)).toBe(true);
    expect((await getPage('cached')).json().status).toBe('major_outage');
  });

  it('a manual incident posted through the incidents API shows at once (the API bumps the version)', async () => {
    const o = await createUser(t, 'Incident');
    const team = await createTeam(t, o, 'business');
    const m = await insertMonitor(t.db, team, { status: 'up' });
    const page = (
      await t.app.inject({ method: 'POST', url: `/api/teams/${team}/status-pages`, headers: bearer(o), payload: { slug: 'incident-live', title: 'I', components: [{ monitor_id: m, name: 'App' }] } })
    ).json();
    expect((await getPage('incident-live')).json().active_incidents).toEqual([]);
    const created = await t.app.inject({
      method: 'POST',
      url: `/api/teams/${team}/incidents`,
      headers: bearer(o),
      payload: { title: 'Degraded logins', message: 'Looking into it', monitor_ids: [m], status_page_ids: [page.id] },
    });
    expect(created.statusCode).toBe(201);
    const shown = (await getPage('incident-live')).json().active_incidents;
    expect(shown.map((i: { title: string }) => i.title)).toEqual(['Degraded logins']);
  });

  it('the in-process layer answers repeated requests without Redis or MySQL for a moment', async () => {
    fresh();
    const first = await t.app.inject({ method: 'GET', url: `/api/public/status-pages/${SLUG}` });
    await t.app.redis.del(`${t.config.redisPrefix}:sp:page:${SLUG}:json`);
    const second = await t.app.inject({ method: 'GET', url: `/api/public/status-pages/${SLUG}` });
    expect(second.body).toBe(first.body);
  });

  it('editing the page shows at once (the API bumps the version itself)', async () => {
    await getPage();
    await t.app.inject({ method: 'PATCH', url: `/api/teams/${teamId}/status-pages/${pageId}`, headers: bearer(admin), payload: { title: 'Acme Status (renamed)' } });
    expect((await getPage()).json().title).toBe('Acme Status (renamed)');
    // Turning the page private hides it at once, too.
    await t.app.inject({ method: 'PATCH', url: `/api/teams/${teamId}/status-pages/${pageId}`, headers: bearer(admin), payload: { is_public: false } });
    expect((await getPage()).statusCode).toBe(404);
    await t.app.inject({ method: 'PATCH', url: `/api/teams/${teamId}/status-pages/${pageId}`, headers: bearer(admin), payload: { is_public: true, title: 'Acme Status' } });
    expect((await getPage()).statusCode).toBe(200);
  });

  it('a renamed slug stops answering under the old one', async () => {
    const o = await createUser(t, 'Rename');
    const team = await createTeam(t, o, 'business');
    const created = (await t.app.inject({ method: 'POST', url: `/api/teams/${team}/status-pages`, headers: bearer(o), payload: { slug: 'before-name', title: 'R' } })).json();
    expect((await getPage('before-name')).statusCode).toBe(200);
    await t.app.inject({ method: 'PATCH', url: `/api/teams/${team}/status-pages/${created.id}`, headers: bearer(o), payload: { slug: 'after-name' } });
    expect((await getPage('before-name')).statusCode).toBe(404);
    expect((await getPage('after-name')).statusCode).toBe(200);
  });
});

describe('feed, badge and custom domains', () => {
  it('serves an Atom feed of incidents with escaped content', async () => {
    fresh();
    const res = await t.app.inject({ method: 'GET', url: `/api/public/status-pages/${SLUG}/feed.atom` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(res.headers['cache-control']).toContain('public');
    expect(res.body).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
    expect(res.body).toContain('API latency</title>');
    expect(res.body).not.toContain('<script');
    expect(res.body).not.toContain(SECRET_ERROR);
    expect(res.body).not.toContain('internal');
    expect(res.body).toContain(`<link rel="alternate" type="text/html" href="http://localhost:3000/status/${SLUG}"/>`);
  });

  it('serves status and uptime badges as SVG that other sites may embed', async () => {
    fresh();
    const status = await t.app.inject({ method: 'GET', url: `/api/public/status-pages/${SLUG}/badge.svg` });
    expect(status.statusCode).toBe(200);
    expect(status.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(status.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(status.body).toContain('>partial outage</text>');
    const uptime = await t.app.inject({ method: 'GET', url: `/api/public/status-pages/${SLUG}/badge.svg?metric=uptime` });
    expect(uptime.body).toMatch(/>\d{2,3}\.\d\d%<\/text>/);
    const bad = await t.app.inject({ method: 'GET', url: `/api/public/status-pages/${SLUG}/badge.svg?metric=evil` });
    expect(bad.statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/public/status-pages/nope/badge.svg' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/public/status-pages/nope/feed.atom' })).statusCode).toBe(404);
  });

  it('resolves a custom domain to its public page once verified (ADR 0137)', async () => {
    await t.app.inject({ method: 'PATCH', url: `/api/teams/${teamId}/status-pages/${pageId}`, headers: bearer(admin), payload: { custom_domain: 'status.acme.example' } });
    // Claimed but not verified: not served.
    expect((await t.app.inject({ method: 'GET', url: '/api/public/status-domains/status.acme.example' })).statusCode).toBe(404);
    // What the worker writes once it found the team's TXT token (apps/worker/src/subscribers/domains.test.ts).
    await t.db.insertInto('custom_domain_claims').values({ status_page_id: pageId, team_id: teamId, domain: 'status.acme.example', status: 'verified', expires_at: new Date(), verified_at: new Date() }).execute();
    await new Promise((r) => setTimeout(r, 5_100)); // the route's 5 s lookup cache
    const res = await t.app.inject({ method: 'GET', url: '/api/public/status-domains/STATUS.acme.example:443' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ slug: SLUG });
    for (const host of ['unknown.example.com', 'not a host', '127.0.0.1']) {
      expect((await t.app.inject({ method: 'GET', url: `/api/public/status-domains/${encodeURIComponent(host)}` })).statusCode).toBe(404);
    }
  });
});

describe('team preview', () => {
  it('lets members preview a private page through the team route', async () => {
    const row = await t.db.selectFrom('status_pages').select('id').where('slug', '=', 'secret-page').executeTakeFirstOrThrow();
    const res = await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/status-pages/${row.id}/preview`, headers: bearer(member) });
    expect(res.statusCode).toBe(200);
    expect(PublicStatusPage.parse(res.json()).title).toBe('Hidden');
    expect(res.headers['cache-control']).toBe('private, no-store');
  });
});
