import { MAX_SPARKLINE_IDS, Sparklines } from '@sentrypulse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createUser, teamWithRoles, type TestApp, createTestApp } from '../../test/helpers';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const url = (teamId: number, ids: string) => `/api/teams/${teamId}/monitors/sparklines?ids=${ids}`;

async function monitor(teamId: number, name: string) {
  const res = await t.db
    .insertInto('monitors')
    .values({ team_id: teamId, name, type: 'http', url: 'http://127.0.0.1/', method: 'GET', interval_seconds: 60, timeout_ms: 5000, status: 'up', enabled: true })
    .executeTakeFirstOrThrow();
  return Number(res.insertId);
}

/** `n` checks a minute apart ending one minute ago; check k has response time 100 + k (down every 10th). */
async function checks(monitorId: number, teamId: number, n: number) {
  const end = Date.now() - 60_000;
  if (n === 0) return;
  await t.db
    .insertInto('monitor_checks')
    .values(
      Array.from({ length: n }, (_, k) => ({
        monitor_id: monitorId,
        team_id: teamId,
        status: k % 10 === 9 ? ('down' as const) : ('up' as const),
        status_code: k % 10 === 9 ? 503 : 200,
        response_time_ms: k % 10 === 9 ? null : 100 + k,
        checked_at: new Date(end - (n - 1 - k) * 60_000),
      })),
    )
    .execute();
}

describe('GET /teams/:teamId/monitors/sparklines', () => {
  it("answers the last 30 checks (oldest first) of the team's monitors only", async () => {
    const mine = await teamWithRoles(t);
    const theirs = await teamWithRoles(t);
    const busy = await monitor(mine.teamId, 'busy');
    const young = await monitor(mine.teamId, 'young');
    const fresh = await monitor(mine.teamId, 'fresh');
    const foreign = await monitor(theirs.teamId, 'foreign');
    const deleted = await monitor(mine.teamId, 'deleted');
    await checks(busy, mine.teamId, 45);
    await checks(young, mine.teamId, 2);
    await checks(foreign, theirs.teamId, 5);
    // Checks outlive a deleted monitor until retention (no FK, ADR 0013): its id must not answer.
    await checks(deleted, mine.teamId, 3);
    await t.db.deleteFrom('monitors').where('id', '=', deleted).execute();

    const res = await t.app.inject({ method: 'GET', url: url(mine.teamId, [foreign, young, 987654, busy, deleted, fresh, busy].join(',')), headers: bearer(mine.member) });
    expect(res.statusCode).toBe(200);
    const body = Sparklines.parse(res.json());
    expect(body.items.map((i) => i.monitor_id)).toEqual([busy, young, fresh].sort((a, b) => a - b));
    const byId = new Map(body.items.map((i) => [i.monitor_id, i.checks]));

    // busy: checks 15..44 of 45, oldest first; every 10th is down without a response time.
    const b = byId.get(busy)!;
    expect(b).toHaveLength(30);
    expect(b.map((c) => c.response_time_ms)).toEqual(Array.from({ length: 30 }, (_, i) => (15 + i) % 10 === 9 ? null : 115 + i));
    expect(b.filter((c) => c.status === 'down')).toHaveLength(3);
    expect(b.every((c, i) => i === 0 || Date.parse(c.checked_at) > Date.parse(b[i - 1]!.checked_at))).toBe(true);
    const newest = await t.db.selectFrom('monitor_checks').select('checked_at').where('monitor_id', '=', busy).orderBy('checked_at', 'desc').executeTakeFirstOrThrow();
    expect(b[29]!.checked_at).toBe(newest.checked_at.toISOString());

    expect(byId.get(young)!.map((c) => c.response_time_ms)).toEqual([100, 101]);
    expect(byId.get(fresh)).toEqual([]);
    expect(res.body).not.toContain(`"monitor_id":${foreign}`);

    // The other team's own request sees its monitor, and never ours.
    const other = await t.app.inject({ method: 'GET', url: url(theirs.teamId, [foreign, busy, young].join(',')), headers: bearer(theirs.owner) });
    expect(other.statusCode).toBe(200);
    expect(other.json().items.map((i: { monitor_id: number }) => i.monitor_id)).toEqual([foreign]);
    expect(other.json().items[0].checks).toHaveLength(5);

    // Only foreign ids: an empty answer, not an error that would confirm they exist.
    const none = await t.app.inject({ method: 'GET', url: url(mine.teamId, String(foreign)), headers: bearer(mine.admin) });
    expect(none.statusCode).toBe(200);
    expect(none.json()).toEqual({ items: [] });
  });

  it('refuses malformed ids with a 400 problem naming querystring.ids', async () => {
    const { teamId, owner } = await teamWithRoles(t);
    const tooMany = Array.from({ length: MAX_SPARKLINE_IDS + 1 }, (_, i) => i + 1).join(',');
    for (const query of ['', '?ids=', '?ids=abc', '?ids=1,,2', '?ids=1,', '?ids=0', '?ids=-1', '?ids=1.5', '?ids=01', '?ids=2147483648', '?ids=1%20', `?ids=${tooMany}`, '?ids=1&ids=2', '?ids=1&other=2']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/monitors/sparklines${query}`, headers: bearer(owner) });
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type'], query).toContain('application/problem+json');
      expect(res.json().errors.map((e: { path: string }) => e.path), query).toContain(query.includes('other') ? 'querystring' : 'querystring.ids');
    }
    const big = await t.app.inject({ method: 'GET', url: url(teamId, tooMany), headers: bearer(owner) });
    expect(big.json().errors[0].message).toBe(`must have at most ${MAX_SPARKLINE_IDS} ids`);
    // Exactly 100 ids (and repeats, which count once) are fine.
    const hundred = Array.from({ length: MAX_SPARKLINE_IDS }, (_, i) => 2_000_000 + i).join(',');
    expect((await t.app.inject({ method: 'GET', url: url(teamId, hundred), headers: bearer(owner) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: url(teamId, `${hundred},2000000`), headers: bearer(owner) })).statusCode).toBe(200);
  });

  it('needs a token and membership (monitors.read, which every role has)', async () => {
    const { teamId, member } = await teamWithRoles(t);
    const id = await monitor(teamId, 'x');
    await checks(id, teamId, 3);
    expect((await t.app.inject({ method: 'GET', url: url(teamId, String(id)) })).statusCode).toBe(401);
    const stranger = await createUser(t, 'Stranger');
    const res = await t.app.inject({ method: 'GET', url: url(teamId, String(id)), headers: bearer(stranger) });
    expect(res.statusCode).toBe(404);
    expect(res.json().detail).toBe('Team was not found.');
    const ok = await t.app.inject({ method: 'GET', url: url(teamId, String(id)), headers: bearer(member) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().items[0].checks).toHaveLength(3);
    const route = t.app.routeCatalog.find((r) => r.url === '/api/teams/:teamId/monitors/sparklines');
    expect(route).toMatchObject({ method: 'GET', permission: 'monitors.read', public: false });
  });
});
