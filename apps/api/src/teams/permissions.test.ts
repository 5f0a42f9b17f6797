import { can, Role } from '@sentrypulse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTeam, createTestApp, createUser, teamWithRoles, type TestApp } from '../../test/helpers';
import { databaseFingerprint } from '../../test/tables';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** Fills route params: the team under test, and ids that exist nowhere for the rest. */
function concreteUrl(url: string, teamId: number) {
  return url.replace(':teamId', String(teamId)).replace(/:(\w+)/g, (_m, name: string) => (name === 'token' ? 'x'.repeat(43) : '987654'));
}

function teamRoutes() {
  const routes = t.app.routeCatalog.filter((r) => r.permission !== undefined);
  expect(routes.length).toBeGreaterThan(10);
  return routes;
}

describe('every route is authenticated unless it says it is public', () => {
  it('answers 401 without a token on every non-public route', async () => {
    const routes = t.app.routeCatalog.filter((r) => !r.public && r.url.startsWith('/api/') && !r.url.startsWith('/api/docs'));
    expect(routes.length).toBeGreaterThan(10);
    for (const r of routes) {
      const res = await t.app.inject({ method: r.method as 'GET', url: concreteUrl(r.url, 1) });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
    }
  });

  it('every route under /teams/:teamId names a permission', () => {
    const unguarded = t.app.routeCatalog.filter((r) => r.url.includes(':teamId') && !r.permission);
    expect(unguarded).toEqual([]);
  });
});

describe('the permission table, route by route', () => {
  for (const role of Role.options) {
    it(`gives the ${role} role exactly what the table says`, async () => {
      for (const route of teamRoutes()) {
        // A fresh team per route: allowed destructive routes (delete team) must not affect the next.
        const { teamId, users } = await teamWithRoles(t);
        const res = await t.app.inject({
          method: route.method as 'GET',
          url: concreteUrl(route.url, teamId),
          headers: bearer(users[role]),
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
        });
        const label = `${role} ${route.method} ${route.url} (${route.permission})`;
        if (can(role, route.permission!)) {
          expect(res.statusCode, label).not.toBe(403);
          // A 404 may name the missing sub-resource (id 987654), never the team itself.
          if (res.statusCode === 404) expect(res.json().detail, label).not.toBe('Team was not found.');
        } else {
          expect(res.statusCode, label).toBe(403);
          expect(res.json().detail, label).toContain(route.permission);
        }
        expect(res.statusCode, label).toBeLessThan(500);
      }
    });
  }
});

describe('isolation between teams', () => {
  it("answers 404 for every team route of another team, whatever the role there, and changes nothing", async () => {
    const victimOwner = await createUser(t, 'Victim');
    const victimTeam = await createTeam(t, victimOwner, 'business');
    const { users } = await teamWithRoles(t);
    const before = await databaseFingerprint(t.db);
    for (const route of teamRoutes()) {
      for (const role of Role.options) {
        const res = await t.app.inject({
          method: route.method as 'GET',
          url: concreteUrl(route.url, victimTeam),
          headers: bearer(users[role]),
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
        });
        expect(res.statusCode, `${route.method} ${route.url}`).toBe(404);
        expect(res.json().detail).toBe('Team was not found.');
      }
    }
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });

  it('answers 404 for a team that does not exist and for non-numeric team ids', async () => {
    const user = await createUser(t);
    for (const id of ['999999', 'abc', '-1', '1.5', '0', '99999999999999999999']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/teams/${id}`, headers: bearer(user) });
      expect(res.statusCode, id).toBe(404);
    }
  });
});
