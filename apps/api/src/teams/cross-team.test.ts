import { can, Role } from '@sentrypulse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, bearer, createTeam, createTestApp, createUser, teamWithRoles, type TestApp, type TestUser } from '../../test/helpers';
import { databaseFingerprint } from '../../test/tables';

// Another team's resource id under your own team: for EVERY route of the catalog with a resource
// id, the resource is created in team B, and A's owner calls the route under team A with B's id.
// The answer must be 404 and the database unchanged. The same call by B's owner under team B must
// then succeed (2xx): that proves the payload was valid and the 404 came from the team filter,
// not from validation. Routes come from the route catalog, so a new route with an id is covered
// (or fails here until it gets a resource factory and a valid payload below).

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Inject = (method: string, url: string, user: TestUser, payload?: unknown) => Promise<{ statusCode: number; headers: Record<string, unknown>; json(): any; body: string }>;
const inject: Inject = (method, url, user, payload) =>
  t.app.inject({ method: method as 'GET', url, headers: bearer(user), ...(payload === undefined ? {} : { payload: payload as object }) });

async function created(method: string, url: string, user: TestUser, payload: unknown): Promise<number> {
  const res = await inject(method, url, user, payload);
  if (res.statusCode !== 201) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json().id as number;
}

interface TeamB {
  teamId: number;
  owner: TestUser;
}

let seq = 0;
const unique = () => `${Date.now().toString(36)}${(seq += 1)}`;
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** Makes one resource of each id kind in team B, fresh per route (a DELETE must not affect the next). */
const factories: Record<string, (b: TeamB) => Promise<number>> = {
  async monitorId(b) {
    return created('POST', `/api/teams/${b.teamId}/monitors`, b.owner, { name: 'B api', type: 'http', url: 'https://b.example.com', interval_seconds: 60 });
  },
  async channelId(b) {
    return created('POST', `/api/teams/${b.teamId}/channels`, b.owner, { type: 'webhook', name: 'B hook', config: { url: 'https://hooks.example.com/b' } });
  },
  async siteId(b) {
    return created('POST', `/api/teams/${b.teamId}/sites`, b.owner, { name: 'B site', domain: `b${unique()}.example.com` });
  },
  async statusPageId(b) {
    return created('POST', `/api/teams/${b.teamId}/status-pages`, b.owner, { slug: `b-${unique()}`, title: 'B status' });
  },
  async incidentId(b) {
    return created('POST', `/api/teams/${b.teamId}/incidents`, b.owner, { title: 'B incident', message: 'Looking into it' });
  },
  async maintenanceId(b) {
    const monitor = await factories.monitorId!(b);
    const now = Date.now();
    // In progress, so every verb applies to it (ending one needs it started).
    return created('POST', `/api/teams/${b.teamId}/maintenance`, b.owner, {
      title: 'B upgrade',
      starts_at: new Date(now - 60_000).toISOString(),
      ends_at: new Date(now + 7_200_000).toISOString(),
      monitor_ids: [monitor],
    });
  },
  async invitationId(b) {
    return created('POST', `/api/teams/${b.teamId}/invitations`, b.owner, { email: `b${unique()}@example.com`, role: 'member' });
  },
  async seriesId(b) {
    const monitor = await factories.monitorId!(b);
    return created('POST', `/api/teams/${b.teamId}/maintenance-series`, b.owner, { title: 'B weekly', rrule: 'FREQ=WEEKLY;BYDAY=SU;COUNT=4', timezone: 'Europe/Berlin', starts_at_local: '2030-01-06T02:00', duration_minutes: 60, monitor_ids: [monitor] });
  },
  async subscriberId(b) {
    return subscriberOn(b, await factories.statusPageId!(b));
  },
  async policyId(b) {
    const channel = await factories.channelId!(b);
    return created('POST', `/api/teams/${b.teamId}/escalation-policies`, b.owner, { name: `B on-call ${unique()}`, steps: [{ delay_seconds: 0, channel_ids: [channel] }] });
  },
  async goalId(b) {
    return goalOn(b, await factories.siteId!(b));
  },
  async tokenId(b) {
    return created('POST', `/api/teams/${b.teamId}/api-tokens`, b.owner, { name: 'B ci', scopes: ['monitors.read'] });
  },
  async userId(b) {
    const member = await createUser(t, 'B member');
    await addMember(t, b.teamId, member, 'member');
    return member.id;
  },
};

/** A goal of a site of team `b`. */
async function goalOn(b: TeamB, siteId: number): Promise<number> {
  return created('POST', `/api/teams/${b.teamId}/sites/${siteId}/goals`, b.owner, { name: `B pricing ${unique()}`, type: 'page', path: '/pricing' });
}

/** A live subscriber of a page of team `b`, inserted as the subscribe verb leaves one. */
async function subscriberOn(b: TeamB, statusPageId: number): Promise<number> {
  const res = await t.db
    .insertInto('status_page_subscribers')
    .values({ team_id: b.teamId, status_page_id: statusPageId, type: 'email', status: 'active', address: `s${unique()}@example.com`, address_hash: unique().padEnd(64, '0'), token_nonce: unique().padEnd(22, '0') })
    .executeTakeFirstOrThrow();
  return Number(res.insertId);
}

/** A valid request for each route (query string, body, and any state the route needs first). */
const requests: Record<string, { query?: string; payload?: unknown; prepare?: (b: TeamB, id: number) => Promise<void> }> = {
  'PATCH /api/teams/:teamId/members/:userId': { payload: { role: 'admin' } },
  'PATCH /api/teams/:teamId/channels/:channelId': { payload: { name: 'renamed' } },
  'PATCH /api/teams/:teamId/incidents/:incidentId': { payload: { title: 'renamed' } },
  'PATCH /api/teams/:teamId/monitors/:monitorId': { payload: { name: 'renamed' } },
  'PATCH /api/teams/:teamId/sites/:siteId': { payload: { name: 'renamed' } },
  'PATCH /api/teams/:teamId/status-pages/:statusPageId': { payload: { title: 'renamed' } },
  'PATCH /api/teams/:teamId/escalation-policies/:policyId': { payload: { name: 'renamed' } },
  'POST /api/teams/:teamId/incidents/:incidentId/updates': { payload: { status: 'identified', message: 'Found it' } },
  'PUT /api/teams/:teamId/incidents/:incidentId/postmortem': {
    payload: { postmortem: 'Root cause: a full disk.' },
    // A postmortem is written once the incident is resolved.
    prepare: async (b, id) => {
      const res = await inject('POST', `/api/teams/${b.teamId}/incidents/${id}/updates`, b.owner, { status: 'resolved', message: 'Fixed' });
      expect(res.statusCode, res.body).toBe(201);
    },
  },
  'POST /api/teams/:teamId/monitors/:monitorId/resume': {
    prepare: async (b, id) => {
      expect((await inject('POST', `/api/teams/${b.teamId}/monitors/${id}/pause`, b.owner)).statusCode).toBeLessThan(300);
    },
  },
  'PUT /api/teams/:teamId/status-pages/:statusPageId/notices': { payload: { notices_paused: true } },
  'PUT /api/teams/:teamId/monitors/:monitorId/badge': { payload: { enabled: true, label: 'api' } },
  'POST /api/teams/:teamId/status-pages/:statusPageId/domain/verify': {
    prepare: async (b, id) => {
      const domain = `s${unique()}.example.com`;
      const res = await inject('PATCH', `/api/teams/${b.teamId}/status-pages/${id}`, b.owner, { custom_domain: domain });
      expect(res.statusCode, res.body).toBe(200);
      // Verified already (as the worker leaves it), so "check now" answers 200 without DNS.
      await t.db.insertInto('custom_domain_claims').values({ status_page_id: id, team_id: b.teamId, domain, status: 'verified', expires_at: new Date(), verified_at: new Date() }).execute();
    },
  },
  'GET /api/teams/:teamId/sites/:siteId/stats': { query: `?from=${day(-7)}&to=${day(0)}` },
  'GET /api/teams/:teamId/sites/:siteId/breakdown': { query: `?property=page&from=${day(-7)}&to=${day(0)}` },
  'GET /api/teams/:teamId/sites/:siteId/export': { query: `?from=${day(-7)}&to=${day(0)}` },
  'GET /api/teams/:teamId/sites/:siteId/goals': { query: `?from=${day(-7)}&to=${day(0)}` },
  'POST /api/teams/:teamId/sites/:siteId/goals': { payload: { name: 'Signup', type: 'event', event: 'Signup' } },
};

/** The route's id kind, a fresh resource of it in team `b`, and the request with that id. */
async function prepared(route: { method: string; url: string }, b: TeamB) {
  const label = `${route.method} ${route.url}`;
  const kind = route.url.match(/:(?!teamId)(\w+Id)\b/)![1]!;
  const id = await factories[kind]!(b);
  const spec = requests[label] ?? {};
  await spec.prepare?.(b, id);
  // A nested id (a subscriber of the page, a goal of the site) belongs to the same team as its parent.
  let url = route.url;
  if (url.includes(':subscriberId')) url = url.replace(':subscriberId', String(await subscriberOn(b, id)));
  if (url.includes(':goalId')) url = url.replace(':goalId', String(await goalOn(b, id)));
  const path = (team: number) => `${url.replace(':teamId', String(team)).replace(`:${kind}`, String(id))}${spec.query ?? ''}`;
  const payload = spec.payload ?? (route.method === 'GET' || route.method === 'DELETE' ? undefined : {});
  return { label, path, payload };
}

function resourceRoutes() {
  return t.app.routeCatalog.filter((r) => r.permission !== undefined && /:(?!teamId)\w+Id\b/.test(r.url));
}

describe("another team's resource id under your own team", () => {
  it('covers every route with a resource id, including maintenance, members, invitations, checks and stats', () => {
    const urls = resourceRoutes().map((r) => `${r.method} ${r.url}`);
    expect(urls.length).toBeGreaterThan(25);
    for (const must of ['maintenance/:maintenanceId', 'members/:userId', 'invitations/:invitationId', 'monitors/:monitorId/checks', 'monitors/:monitorId/stats', 'sites/:siteId/stats', 'channels/:channelId/test']) {
      expect(urls.some((u) => u.includes(must)), must).toBe(true);
    }
    // Every id kind in the catalog has a factory.
    const kinds = new Set(resourceRoutes().flatMap((r) => [...r.url.matchAll(/:(\w+Id)\b/g)].map((m) => m[1]!).filter((k) => k !== 'teamId')));
    expect([...kinds].filter((k) => !factories[k])).toEqual([]);
  });

  it("answers 404 to A's owner and changes nothing, while B's owner gets a 2xx for the same request", async () => {
    const ownerA = await createUser(t, 'Owner A');
    const teamA = await createTeam(t, ownerA, 'business');
    // Something of every kind in A too, so a lookup that ignored the id's team could find a row.
    const a: TeamB = { teamId: teamA, owner: ownerA };
    for (const make of Object.values(factories)) await make(a);
    const ownerB = await createUser(t, 'Owner B');
    const b: TeamB = { teamId: await createTeam(t, ownerB, 'business'), owner: ownerB };

    const answered: string[] = [];
    for (const route of resourceRoutes()) {
      const { label, path, payload } = await prepared(route, b);

      const before = await databaseFingerprint(t.db);
      const res = await inject(route.method, path(teamA), ownerA, payload);
      expect(res.statusCode, `${label}: ${res.body}`).toBe(404);
      expect(res.headers['content-type'], label).toMatch(/^application\/problem\+json/);
      expect(await databaseFingerprint(t.db), label).toEqual(before);

      const own = await inject(route.method, path(b.teamId), ownerB, payload);
      expect(own.statusCode, `${label} in its own team: ${own.body}`).toBeGreaterThanOrEqual(200);
      expect(own.statusCode, `${label} in its own team: ${own.body}`).toBeLessThan(300);
      answered.push(label);
    }
    expect(answered).toHaveLength(resourceRoutes().length);
  }, 120_000);
});

describe('the permission table with real resources', () => {
  // permissions.test.ts walks every team route with ids that exist nowhere, so an allowed call
  // there can only show "not 403". Here each call gets a real resource of its own team: an allowed
  // role must SUCCEED (2xx), a refused one gets 403 and changes nothing.
  for (const role of Role.options) {
    it(`the ${role} role succeeds on every resource route the table allows, and gets 403 on the rest`, async () => {
      const { teamId, users } = await teamWithRoles(t);
      const team: TeamB = { teamId, owner: users.owner };
      let succeeded = 0;
      for (const route of resourceRoutes()) {
        const { label, path, payload } = await prepared(route, team);
        const before = can(role, route.permission!) ? null : await databaseFingerprint(t.db);
        const res = await inject(route.method, path(teamId), users[role], payload);
        const text = `${role} ${label} (${route.permission}): ${res.body}`;
        if (before === null) {
          expect(res.statusCode, text).toBeGreaterThanOrEqual(200);
          expect(res.statusCode, text).toBeLessThan(300);
          succeeded += 1;
        } else {
          expect(res.statusCode, text).toBe(403);
          expect(await databaseFingerprint(t.db), text).toEqual(before);
        }
      }
      // Every role may at least read.
      expect(succeeded, role).toBeGreaterThan(0);
    }, 120_000);
  }
});
