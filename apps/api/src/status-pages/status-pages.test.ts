import { StatusPage, StatusPageList } from '@sentrypulse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTeam, createTestApp, createUser, teamWithRoles, type TestApp, type TestUser } from '../../test/helpers';
import { databaseFingerprint } from '../../test/tables';
import { insertMonitor } from '../public/fixtures';

let t: TestApp;
let owner: TestUser;
let admin: TestUser;
let member: TestUser;
let teamId: number;
let monitors: number[];

beforeAll(async () => {
  t = await createTestApp();
  ({ teamId, owner, admin, member } = await teamWithRoles(t, 'business'));
  monitors = [await insertMonitor(t.db, teamId), await insertMonitor(t.db, teamId), await insertMonitor(t.db, teamId)];
});
afterAll(() => t.close());

const base = (teamId: number) => `/api/teams/${teamId}/status-pages`;
let slugSeq = 0;
const nextSlug = () => `acme-${++slugSeq}`;

async function create(body: Record<string, unknown>, user: TestUser = admin, team = teamId) {
  return t.app.inject({ method: 'POST', url: base(team), headers: bearer(user), payload: body });
}

describe('creating a status page', () => {
  it('creates a page with components in the given order and returns the contract shape', async () => {
    const slug = nextSlug();
    const res = await create({
      slug,
      title: 'Acme Status',
      description: 'Live status of Acme services',
      is_public: true,
      logo_url: 'https://cdn.example.com/logo.png',
      accent_color: '#1F6FEB',
      components: [
        { monitor_id: monitors[1], name: 'API', group: 'Core' },
        { monitor_id: monitors[0], name: 'Website' },
      ],
    });
    expect(res.statusCode).toBe(201);
    const page = StatusPage.parse(res.json());
    expect(page).toMatchObject({
      slug,
      title: 'Acme Status',
      description: 'Live status of Acme services',
      is_public: true,
      accent_color: '#1f6feb',
      custom_domain: null,
      show_incident_history: true,
      show_maintenances: true,
      url: `http://localhost:3000/status/${slug}`,
    });
    expect(page.components.map((c) => [c.monitor_id, c.name, c.group, c.position])).toEqual([
      [monitors[1], 'API', 'Core', 0],
      [monitors[0], 'Website', null, 1],
    ]);
    const get = await t.app.inject({ method: 'GET', url: `${base(teamId)}/${page.id}`, headers: bearer(member) });
    expect(get.statusCode).toBe(200);
    expect(get.json()).toEqual(page);
  });

  it('normalises the slug and the custom domain to lower case', async () => {
    const res = await create({ slug: '  Shop-Status ', title: 'Shop', custom_domain: 'Status.Shop.Example.COM.' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ slug: 'shop-status', custom_domain: 'status.shop.example.com', url: 'https://status.shop.example.com/' });
  });

  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['a missing title', { slug: 'no-title' }, 'body.title'],
    ['an empty title', { slug: 'empty-title', title: '  ' }, 'body.title'],
    ['a slug with spaces', { slug: 'two words', title: 'x' }, 'body.slug'],
    ['a slug ending in a hyphen', { slug: 'bad-', title: 'x' }, 'body.slug'],
    ['a one-character slug', { slug: 'a', title: 'x' }, 'body.slug'],
    ['a slug with a slash', { slug: 'a/b', title: 'x' }, 'body.slug'],
    ['a javascript: logo', { slug: 'logo-js', title: 'x', logo_url: 'javascript:alert(1)' }, 'body.logo_url'],
    ['a data: logo', { slug: 'logo-data', title: 'x', logo_url: 'data:image/svg+xml,<svg onload=alert(1)>' }, 'body.logo_url'],
    ['a colour that is not hex', { slug: 'colour', title: 'x', accent_color: 'red;background:url(x)' }, 'body.accent_color'],
    ['a custom domain with a scheme', { slug: 'dom1', title: 'x', custom_domain: 'https://status.example.com' }, 'body.custom_domain'],
    ['a custom domain that is an IP', { slug: 'dom2', title: 'x', custom_domain: '10.0.0.1' }, 'body.custom_domain'],
    ['a custom domain with a port', { slug: 'dom3', title: 'x', custom_domain: 'status.example.com:8080' }, 'body.custom_domain'],
    ['an unknown field', { slug: 'extra', title: 'x', team_id: 1 }, 'body'],
    ['a component without a monitor', { slug: 'comp1', title: 'x', components: [{ name: 'API' }] }, 'body.components.0.monitor_id'],
    ['a component without a name', { slug: 'comp2', title: 'x', components: [{ monitor_id: 1 }] }, 'body.components.0.name'],
    ['is_public as a string', { slug: 'pub', title: 'x', is_public: 'yes' }, 'body.is_public'],
    ['a description over 2000 characters', { slug: 'long', title: 'x', description: 'x'.repeat(2001) }, 'body.description'],
  ];
  it.each(bad)('refuses %s with a 400 naming the field, changing nothing', async (_name, body, path) => {
    const before = await databaseFingerprint(t.db);
    const res = await create(body);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });

  it('refuses a monitor listed twice', async () => {
    const before = await databaseFingerprint(t.db);
    const res = await create({ slug: 'twice', title: 'x', components: [{ monitor_id: monitors[0], name: 'a' }, { monitor_id: monitors[0], name: 'b' }] });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toContain('must not list a monitor twice');
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });

  it("refuses another team's monitor (and a missing one) with a 400 naming the component", async () => {
    const stranger = await createUser(t, 'Stranger');
    const otherTeam = await createTeam(t, stranger, 'business');
    const foreign = await insertMonitor(t.db, otherTeam);
    const before = await databaseFingerprint(t.db);
    const res = await create({ slug: 'foreign', title: 'x', components: [{ monitor_id: monitors[0], name: 'ok' }, { monitor_id: foreign, name: 'theirs' }, { monitor_id: 99_999, name: 'none' }] });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { path: 'body.components.1.monitor_id', message: `monitor ${foreign} does not exist in this team` },
      { path: 'body.components.2.monitor_id', message: 'monitor 99999 does not exist in this team' },
    ]);
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });

  it('answers 409 for a taken slug or custom domain, changing nothing', async () => {
    const slug = nextSlug();
    expect((await create({ slug, title: 'first', custom_domain: 'status.taken.example' })).statusCode).toBe(201);
    const before = await databaseFingerprint(t.db);
    const dupSlug = await create({ slug, title: 'second' });
    expect(dupSlug.statusCode).toBe(409);
    expect(dupSlug.json().detail).toBe('That slug is taken: choose another one.');
    const dupDomain = await create({ slug: nextSlug(), title: 'third', custom_domain: 'STATUS.taken.example' });
    expect(dupDomain.statusCode).toBe(409);
    expect(dupDomain.json().detail).toBe('Another status page already uses this custom domain.');
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });

  it('applies the plan limit on status pages with a 403 naming it', async () => {
    const o = await createUser(t, 'Free');
    const freeTeam = await createTeam(t, o, 'free');
    expect((await create({ slug: nextSlug(), title: 'one' }, o, freeTeam)).statusCode).toBe(201);
    const before = await databaseFingerprint(t.db);
    const res = await create({ slug: nextSlug(), title: 'two' }, o, freeTeam);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ limit: 'status_pages', plan: 'free', max: 1 });
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });

  it('two concurrent creates cannot both pass a limit of one', async () => {
    const o = await createUser(t, 'Racer');
    const freeTeam = await createTeam(t, o, 'free');
    const results = await Promise.all([create({ slug: nextSlug(), title: 'a' }, o, freeTeam), create({ slug: nextSlug(), title: 'b' }, o, freeTeam)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 403]);
  });
});

describe('permissions and team isolation', () => {
  it('lets a member read but not write', async () => {
    expect((await t.app.inject({ method: 'GET', url: base(teamId), headers: bearer(member) })).statusCode).toBe(200);
    const before = await databaseFingerprint(t.db);
    const res = await create({ slug: nextSlug(), title: 'x' }, member);
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toContain('status_pages.write');
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });

  it("answers 404 for another team's page, exactly as for a missing one", async () => {
    const created = (await create({ slug: nextSlug(), title: 'mine' })).json();
    const stranger = await createUser(t, 'Other');
    const otherTeam = await createTeam(t, stranger, 'business');
    // The stranger asks for our page through their own team: not found.
    const viaOwnTeam = await t.app.inject({ method: 'GET', url: `${base(otherTeam)}/${created.id}`, headers: bearer(stranger) });
    expect(viaOwnTeam.statusCode).toBe(404);
    const missing = await t.app.inject({ method: 'GET', url: `${base(otherTeam)}/999999`, headers: bearer(stranger) });
    expect(viaOwnTeam.json()).toEqual(missing.json());
    const before = await databaseFingerprint(t.db);
    for (const method of ['PATCH', 'DELETE'] as const) {
      const res = await t.app.inject({ method, url: `${base(otherTeam)}/${created.id}`, headers: bearer(stranger), ...(method === 'PATCH' ? { payload: { title: 'pwned' } } : {}) });
      expect(res.statusCode).toBe(404);
    }
    expect(await databaseFingerprint(t.db)).toEqual(before);
    // Through our team: the team itself is not found for a stranger.
    expect((await t.app.inject({ method: 'GET', url: `${base(teamId)}/${created.id}`, headers: bearer(stranger) })).statusCode).toBe(404);
  });
});

describe('listing, updating and deleting', () => {
  it('lists pages newest first with a keyset cursor', async () => {
    const o = await createUser(t, 'Lister');
    const team = await createTeam(t, o, 'business');
    const ids: number[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await create({ slug: nextSlug(), title: `p${i}` }, o, team)).json().id);
    const first = StatusPageList.parse((await t.app.inject({ method: 'GET', url: `${base(team)}?limit=2`, headers: bearer(o) })).json());
    expect(first.items.map((p) => p.id)).toEqual([ids[2], ids[1]]);
    const second = StatusPageList.parse((await t.app.inject({ method: 'GET', url: `${base(team)}?limit=2&cursor=${first.next_cursor}`, headers: bearer(o) })).json());
    expect(second.items.map((p) => p.id)).toEqual([ids[0]]);
    expect(second.next_cursor).toBeNull();
    const bad = await t.app.inject({ method: 'GET', url: `${base(team)}?cursor=abc`, headers: bearer(o) });
    expect(bad.statusCode).toBe(400);
  });

  it('patches fields and replaces components when given', async () => {
    const created = (await create({ slug: nextSlug(), title: 'old', components: [{ monitor_id: monitors[0], name: 'A' }] })).json();
    const res = await t.app.inject({
      method: 'PATCH',
      url: `${base(teamId)}/${created.id}`,
      headers: bearer(owner),
      payload: { title: 'new', is_public: false, description: null, components: [{ monitor_id: monitors[2], name: 'C', group: 'G' }, { monitor_id: monitors[0], name: 'A2' }] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ title: 'new', is_public: false, description: null, slug: created.slug });
    expect(res.json().components.map((c: { name: string; position: number }) => [c.name, c.position])).toEqual([
      ['C', 0],
      ['A2', 1],
    ]);
    // Without components the list stays.
    const titleOnly = await t.app.inject({ method: 'PATCH', url: `${base(teamId)}/${created.id}`, headers: bearer(owner), payload: { title: 'newer' } });
    expect(titleOnly.json().components).toHaveLength(2);
  });

  it('refuses an empty patch and a bad one, changing nothing', async () => {
    const created = (await create({ slug: nextSlug(), title: 'keep' })).json();
    const before = await databaseFingerprint(t.db);
    for (const payload of [{}, { slug: 'BAD SLUG' }, { components: [{ monitor_id: 424242, name: 'x' }] }, { title: null }]) {
      const res = await t.app.inject({ method: 'PATCH', url: `${base(teamId)}/${created.id}`, headers: bearer(admin), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const taken = await t.app.inject({ method: 'PATCH', url: `${base(teamId)}/${created.id}`, headers: bearer(admin), payload: { slug: 'acme-1' } });
    expect(taken.statusCode).toBe(409);
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });

  it('deletes a page and its components; a second delete is a 404', async () => {
    const created = (await create({ slug: nextSlug(), title: 'bye', components: [{ monitor_id: monitors[0], name: 'A' }] })).json();
    const del = await t.app.inject({ method: 'DELETE', url: `${base(teamId)}/${created.id}`, headers: bearer(admin) });
    expect(del.statusCode).toBe(204);
    const left = await t.db.selectFrom('status_page_components').select('id').where('status_page_id', '=', created.id).execute();
    expect(left).toEqual([]);
    expect((await t.app.inject({ method: 'DELETE', url: `${base(teamId)}/${created.id}`, headers: bearer(admin) })).statusCode).toBe(404);
  });

  it('deleting a monitor removes it from pages', async () => {
    const m = await insertMonitor(t.db, teamId);
    const created = (await create({ slug: nextSlug(), title: 'cascade', components: [{ monitor_id: m, name: 'gone soon' }] })).json();
    await t.db.deleteFrom('monitors').where('id', '=', m).execute();
    const get = await t.app.inject({ method: 'GET', url: `${base(teamId)}/${created.id}`, headers: bearer(admin) });
    expect(get.json().components).toEqual([]);
  });
});
