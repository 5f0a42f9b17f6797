import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTeam, createTestApp, createUser, teamWithRoles, type TestApp } from '../../test/helpers';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ API_PUBLIC_URL: 'https://api.sentrypulse.test' });
});
afterAll(() => t.close());

async function siteCount(teamId: number) {
  const r = await t.db.selectFrom('sites').select((eb) => eb.fn.countAll<number>().as('n')).where('team_id', '=', teamId).executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('sites API', () => {
  it('creates a site with a tracking code and a copy-paste snippet, normalising the domain', async () => {
    const { teamId, admin } = await teamWithRoles(t);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/teams/${teamId}/sites`,
      headers: bearer(admin),
      payload: { name: 'Shop', domain: 'https://www.Shop.Example.com/path', timezone: 'Europe/Berlin' },
    });
    expect(res.statusCode).toBe(201);
    const site = res.json();
    expect(site).toMatchObject({ name: 'Shop', domain: 'shop.example.com', timezone: 'Europe/Berlin', respect_dnt: false, enabled: true });
    expect(site.tracking_code).toMatch(/^sp_[A-Za-z0-9_-]{12}$/);
    expect(site.snippet).toBe(`<script defer data-site="${site.tracking_code}" src="https://api.sentrypulse.test/tracker.js"></script>`);
  });

  it('the snippet carries data-respect-dnt="true" exactly while the site respects Do-Not-Track', async () => {
    const { teamId, admin } = await teamWithRoles(t);
    const created = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/sites`, headers: bearer(admin), payload: { name: 'Quiet', domain: 'quiet.example', respect_dnt: true } });
    expect(created.statusCode).toBe(201);
    const site = created.json();
    const respecting = `<script defer data-site="${site.tracking_code}" data-respect-dnt="true" src="https://api.sentrypulse.test/tracker.js"></script>`;
    const plain = `<script defer data-site="${site.tracking_code}" src="https://api.sentrypulse.test/tracker.js"></script>`;
    expect(site).toMatchObject({ respect_dnt: true, snippet: respecting });
    const snippetNow = async () => {
      const one = (await t.app.inject({ url: `/api/teams/${teamId}/sites/${site.id}`, headers: bearer(admin) })).json();
      const listed = (await t.app.inject({ url: `/api/teams/${teamId}/sites`, headers: bearer(admin) })).json().items.find((s: { id: number }) => s.id === site.id);
      expect(listed.snippet).toBe(one.snippet);
      return one.snippet as string;
    };
    expect(await snippetNow()).toBe(respecting);

    const off = await t.app.inject({ method: 'PATCH', url: `/api/teams/${teamId}/sites/${site.id}`, headers: bearer(admin), payload: { respect_dnt: false } });
    expect(off.json()).toMatchObject({ respect_dnt: false, snippet: plain });
    expect(await snippetNow()).toBe(plain);
    // Other changes leave it as the setting says.
    const renamed = await t.app.inject({ method: 'PATCH', url: `/api/teams/${teamId}/sites/${site.id}`, headers: bearer(admin), payload: { name: 'Loud' } });
    expect(renamed.json().snippet).toBe(plain);
    const on = await t.app.inject({ method: 'PATCH', url: `/api/teams/${teamId}/sites/${site.id}`, headers: bearer(admin), payload: { respect_dnt: true } });
    expect(on.json()).toMatchObject({ respect_dnt: true, snippet: respecting });
    expect(await snippetNow()).toBe(respecting);
  });

  it('lists, gets, updates and deletes', async () => {
    const { teamId, owner } = await teamWithRoles(t);
    const ids: number[] = [];
    for (const domain of ['a.example.com', 'b.example.com', 'c.example.com']) {
      const r = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/sites`, headers: bearer(owner), payload: { name: domain, domain } });
      ids.push(r.json().id);
    }
    const page1 = (await t.app.inject({ url: `/api/teams/${teamId}/sites?limit=2`, headers: bearer(owner) })).json();
    expect(page1.items.map((s: { id: number }) => s.id)).toEqual([ids[2], ids[1]]);
    const page2 = (await t.app.inject({ url: `/api/teams/${teamId}/sites?limit=2&cursor=${page1.next_cursor}`, headers: bearer(owner) })).json();
    expect(page2).toMatchObject({ items: [{ id: ids[0] }], next_cursor: null });

    const got = await t.app.inject({ url: `/api/teams/${teamId}/sites/${ids[0]}`, headers: bearer(owner) });
    expect(got.json()).toMatchObject({ id: ids[0], domain: 'a.example.com' });

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/teams/${teamId}/sites/${ids[0]}`,
      headers: bearer(owner),
      payload: { enabled: false, respect_dnt: true, timezone: 'Asia/Tokyo' },
    });
    expect(patched.json()).toMatchObject({ enabled: false, respect_dnt: true, timezone: 'Asia/Tokyo', domain: 'a.example.com' });

    const del = await t.app.inject({ method: 'DELETE', url: `/api/teams/${teamId}/sites/${ids[0]}`, headers: bearer(owner) });
    expect(del.statusCode).toBe(204);
    expect((await t.app.inject({ url: `/api/teams/${teamId}/sites/${ids[0]}`, headers: bearer(owner) })).statusCode).toBe(404);
    expect(await siteCount(teamId)).toBe(2);
  });

  it('members read but cannot write (sites.read / sites.write)', async () => {
    const { teamId, owner, member } = await teamWithRoles(t);
    const created = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/sites`, headers: bearer(owner), payload: { name: 'x', domain: 'x.org' } });
    const id = created.json().id;
    expect((await t.app.inject({ url: `/api/teams/${teamId}/sites/${id}`, headers: bearer(member) })).statusCode).toBe(200);
    const writes = [
      t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/sites`, headers: bearer(member), payload: { name: 'y', domain: 'y.org' } }),
      t.app.inject({ method: 'PATCH', url: `/api/teams/${teamId}/sites/${id}`, headers: bearer(member), payload: { name: 'z' } }),
      t.app.inject({ method: 'DELETE', url: `/api/teams/${teamId}/sites/${id}`, headers: bearer(member) }),
    ];
    for (const res of await Promise.all(writes)) {
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(await siteCount(teamId)).toBe(1);
    const row = await t.db.selectFrom('sites').select('name').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.name).toBe('x');
  });

  it("another team's site is a 404, exactly like a missing one", async () => {
    const a = await teamWithRoles(t);
    const b = await teamWithRoles(t);
    const created = await t.app.inject({ method: 'POST', url: `/api/teams/${b.teamId}/sites`, headers: bearer(b.owner), payload: { name: 'b', domain: 'b.org' } });
    const id = created.json().id;
    for (const req of [
      { method: 'GET' as const, url: `/api/teams/${a.teamId}/sites/${id}` },
      { method: 'PATCH' as const, url: `/api/teams/${a.teamId}/sites/${id}`, payload: { name: 'hijack' } },
      { method: 'DELETE' as const, url: `/api/teams/${a.teamId}/sites/${id}` },
      { method: 'GET' as const, url: `/api/teams/${b.teamId}/sites/${id}` },
    ]) {
      const res = await t.app.inject({ ...req, headers: bearer(a.owner) });
      expect(res.statusCode).toBe(404);
    }
    const row = await t.db.selectFrom('sites').select('name').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.name).toBe('b');
  });

  it('enforces the plan limit on sites', async () => {
    const owner = await createUser(t, 'Free');
    const teamId = await createTeam(t, owner, 'free');
    for (const d of ['one.org', 'two.org']) {
      expect((await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/sites`, headers: bearer(owner), payload: { name: d, domain: d } })).statusCode).toBe(201);
    }
    const third = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/sites`, headers: bearer(owner), payload: { name: 'three', domain: 'three.org' } });
    expect(third.statusCode).toBe(403);
    expect(third.json()).toMatchObject({ limit: 'sites', plan: 'free', max: 2 });
    expect(await siteCount(teamId)).toBe(2);
  });

  it('refuses a second site for the same domain in a team with 409', async () => {
    const { teamId, owner } = await teamWithRoles(t);
    await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/sites`, headers: bearer(owner), payload: { name: 'a', domain: 'dup.org' } });
    const again = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/sites`, headers: bearer(owner), payload: { name: 'b', domain: 'www.dup.org' } });
    expect(again.statusCode).toBe(409);
    expect(await siteCount(teamId)).toBe(1);
  });

  it.each([
    [{ name: 'x', domain: 'not a domain' }, 'body.domain'],
    [{ name: 'x', domain: 'javascript:alert(1)' }, 'body.domain'],
    [{ name: '', domain: 'ok.org' }, 'body.name'],
    [{ name: 'x', domain: 'ok.org', timezone: 'Mars/Olympus' }, 'body.timezone'],
    [{ name: 'x', domain: 'ok.org', enabled: 'yes' }, 'body.enabled'],
    [{ name: 'x', domain: 'ok.org', extra: 1 }, 'body'],
  ])('refuses bad input %# with a 400 naming the field, creating nothing', async (payload, path) => {
    const { teamId, owner } = await teamWithRoles(t);
    const res = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/sites`, headers: bearer(owner), payload });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await siteCount(teamId)).toBe(0);
  });

  it('refuses a bad update without changing the site', async () => {
    const { teamId, owner } = await teamWithRoles(t);
    const id = (await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/sites`, headers: bearer(owner), payload: { name: 'keep', domain: 'keep.org' } })).json().id;
    const res = await t.app.inject({ method: 'PATCH', url: `/api/teams/${teamId}/sites/${id}`, headers: bearer(owner), payload: { timezone: 'Nowhere/Land' } });
    expect(res.statusCode).toBe(400);
    const row = await t.db.selectFrom('sites').select(['timezone', 'name']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ timezone: 'UTC', name: 'keep' });
  });

  it('needs a token', async () => {
    const res = await t.app.inject({ url: '/api/teams/1/sites' });
    expect(res.statusCode).toBe(401);
  });
});
