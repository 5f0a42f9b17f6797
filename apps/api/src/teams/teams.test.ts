import type { InjectOptions } from 'fastify';
import { PLAN_LIMITS } from '@sentrypulse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, bearer, createTeam, createTestApp, createUser, teamWithRoles, type TestApp } from '../../test/helpers';
import { databaseFingerprint } from '../../test/tables';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const inject = (opts: InjectOptions) => t.app.inject(opts);

describe('teams', () => {
  it('creates a team owned by the caller and lists it', async () => {
    const user = await createUser(t);
    const res = await inject({ method: 'POST', url: '/api/teams', headers: bearer(user), payload: { name: 'Platform' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ name: 'Platform', role: 'owner', plan: 'free', owner_id: user.id, limits: PLAN_LIMITS.free });
    const list = await inject({ method: 'GET', url: '/api/teams', headers: bearer(user) });
    expect(list.json().items.map((x: { name: string }) => x.name)).toContain('Platform');
  });

  it('renames (admin) and rejects an empty or oversized name without changing it', async () => {
    const { teamId, admin } = await teamWithRoles(t);
    const ok = await inject({ method: 'PATCH', url: `/api/teams/${teamId}`, headers: bearer(admin), payload: { name: 'Renamed' } });
    expect(ok.json().name).toBe('Renamed');
    for (const name of ['', 'x'.repeat(101)]) {
      const bad = await inject({ method: 'PATCH', url: `/api/teams/${teamId}`, headers: bearer(admin), payload: { name } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].path).toBe('body.name');
    }
    const team = await t.db.selectFrom('teams').select('name').where('id', '=', teamId).executeTakeFirstOrThrow();
    expect(team.name).toBe('Renamed');
  });

  it('lets only the owner change the plan and delete the team', async () => {
    const { teamId, owner, admin } = await teamWithRoles(t, 'free');
    const denied = await inject({ method: 'PUT', url: `/api/teams/${teamId}/plan`, headers: bearer(admin), payload: { plan: 'pro' } });
    expect(denied.statusCode).toBe(403);
    const badPlan = await inject({ method: 'PUT', url: `/api/teams/${teamId}/plan`, headers: bearer(owner), payload: { plan: 'platinum' } });
    expect(badPlan.statusCode).toBe(400);
    const plan = await inject({ method: 'PUT', url: `/api/teams/${teamId}/plan`, headers: bearer(owner), payload: { plan: 'pro' } });
    expect(plan.json()).toMatchObject({ plan: 'pro', limits: PLAN_LIMITS.pro });
    const del = await inject({ method: 'DELETE', url: `/api/teams/${teamId}`, headers: bearer(owner) });
    expect(del.statusCode).toBe(204);
    expect(await t.db.selectFrom('team_users').select('user_id').where('team_id', '=', teamId).execute()).toEqual([]);
  });
});

describe('members', () => {
  it('lists members with cursor pagination', async () => {
    const { teamId, owner } = await teamWithRoles(t);
    const page1 = await inject({ method: 'GET', url: `/api/teams/${teamId}/members?limit=2`, headers: bearer(owner) });
    expect(page1.json().items).toHaveLength(2);
    const cursor = page1.json().next_cursor;
    expect(cursor).toBeTruthy();
    const page2 = await inject({ method: 'GET', url: `/api/teams/${teamId}/members?limit=2&cursor=${cursor}`, headers: bearer(owner) });
    expect(page2.json().items).toHaveLength(1);
    expect(page2.json().next_cursor).toBeNull();
    const all = [...page1.json().items, ...page2.json().items].map((m: { role: string }) => m.role).sort();
    expect(all).toEqual(['admin', 'member', 'owner']);
  });

  it('rejects bad pagination input', async () => {
    const { teamId, owner } = await teamWithRoles(t);
    for (const qs of ['limit=0', 'limit=101', 'limit=abc', 'cursor=zzz', 'foo=1']) {
      const res = await inject({ method: 'GET', url: `/api/teams/${teamId}/members?${qs}`, headers: bearer(owner) });
      expect(res.statusCode, qs).toBe(400);
    }
  });

  it('admins change roles of non-owners; nobody changes the owner or assigns owner', async () => {
    const { teamId, owner, admin, member } = await teamWithRoles(t);
    const promote = await inject({ method: 'PATCH', url: `/api/teams/${teamId}/members/${member.id}`, headers: bearer(admin), payload: { role: 'admin' } });
    expect(promote.statusCode).toBe(200);
    expect(promote.json().role).toBe('admin');
    const toOwner = await inject({ method: 'PATCH', url: `/api/teams/${teamId}/members/${member.id}`, headers: bearer(owner), payload: { role: 'owner' } });
    expect(toOwner.statusCode).toBe(403);
    const demoteOwner = await inject({ method: 'PATCH', url: `/api/teams/${teamId}/members/${owner.id}`, headers: bearer(admin), payload: { role: 'member' } });
    expect(demoteOwner.statusCode).toBe(403);
    const unknown = await inject({ method: 'PATCH', url: `/api/teams/${teamId}/members/424242`, headers: bearer(admin), payload: { role: 'member' } });
    expect(unknown.statusCode).toBe(404);
    const nonNumeric = await inject({ method: 'PATCH', url: `/api/teams/${teamId}/members/abc`, headers: bearer(admin), payload: { role: 'member' } });
    expect(nonNumeric.statusCode).toBe(400);
    const roles = await t.db.selectFrom('team_users').select(['user_id', 'role']).where('team_id', '=', teamId).execute();
    expect(roles.find((r) => r.user_id === owner.id)!.role).toBe('owner');
  });

  it('removes members but never the owner; members can leave, the owner cannot', async () => {
    const { teamId, owner, admin, member } = await teamWithRoles(t);
    expect((await inject({ method: 'DELETE', url: `/api/teams/${teamId}/members/${owner.id}`, headers: bearer(admin) })).statusCode).toBe(403);
    expect((await inject({ method: 'POST', url: `/api/teams/${teamId}/leave`, headers: bearer(owner), payload: {} })).statusCode).toBe(409);
    expect((await inject({ method: 'POST', url: `/api/teams/${teamId}/leave`, headers: bearer(member), payload: {} })).statusCode).toBe(200);
    expect((await inject({ method: 'DELETE', url: `/api/teams/${teamId}/members/${admin.id}`, headers: bearer(owner) })).statusCode).toBe(204);
    const left = await t.db.selectFrom('team_users').select('user_id').where('team_id', '=', teamId).execute();
    expect(left.map((r) => r.user_id)).toEqual([owner.id]);
  });

  it('transfers ownership to a member; the old owner becomes admin', async () => {
    const { teamId, owner, member } = await teamWithRoles(t);
    const stranger = await createUser(t);
    const notMember = await inject({ method: 'POST', url: `/api/teams/${teamId}/transfer`, headers: bearer(owner), payload: { user_id: stranger.id } });
    expect(notMember.statusCode).toBe(404);
    const res = await inject({ method: 'POST', url: `/api/teams/${teamId}/transfer`, headers: bearer(owner), payload: { user_id: member.id } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ owner_id: member.id, role: 'admin' });
    const roles = Object.fromEntries(
      (await t.db.selectFrom('team_users').select(['user_id', 'role']).where('team_id', '=', teamId).execute()).map((r) => [r.user_id, r.role]),
    );
    expect(roles[member.id]).toBe('owner');
    expect(roles[owner.id]).toBe('admin');
    // The former owner lost owner-only powers.
    expect((await inject({ method: 'DELETE', url: `/api/teams/${teamId}`, headers: bearer(owner) })).statusCode).toBe(403);
  });
});

describe('invitations', () => {
  it('invite → preview → accept by the invited account gives the invited role', async () => {
    const { teamId, admin } = await teamWithRoles(t);
    const invitee = await createUser(t, 'Invitee');
    const created = await inject({ method: 'POST', url: `/api/teams/${teamId}/invitations`, headers: bearer(admin), payload: { email: invitee.email.toUpperCase(), role: 'member' } });
    expect(created.statusCode).toBe(201);
    const { token, accept_url, email } = created.json();
    expect(email).toBe(invitee.email);
    expect(accept_url).toBe(`http://localhost:3000/invitations/${token}`);

    const listed = await inject({ method: 'GET', url: `/api/teams/${teamId}/invitations`, headers: bearer(admin) });
    expect(listed.json().items).toHaveLength(1);
    expect(JSON.stringify(listed.json())).not.toContain(token);

    const preview = await inject({ method: 'GET', url: `/api/invitations/${token}` });
    expect(preview.json()).toMatchObject({ email: invitee.email, role: 'member', invited_by_name: 'Admin' });

    const someoneElse = await createUser(t, 'Other');
    const wrongAccount = await inject({ method: 'POST', url: `/api/invitations/${token}/accept`, headers: bearer(someoneElse), payload: {} });
    expect(wrongAccount.statusCode).toBe(403);

    const accepted = await inject({ method: 'POST', url: `/api/invitations/${token}/accept`, headers: bearer(invitee), payload: {} });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toEqual({ team_id: teamId });
    const role = await t.db.selectFrom('team_users').select('role').where('team_id', '=', teamId).where('user_id', '=', invitee.id).executeTakeFirst();
    expect(role?.role).toBe('member');

    const again = await inject({ method: 'POST', url: `/api/invitations/${token}/accept`, headers: bearer(invitee), payload: {} });
    expect(again.statusCode).toBe(410);
  });

  it('refuses expired and revoked invitations', async () => {
    const { teamId, owner } = await teamWithRoles(t);
    const invitee = await createUser(t);
    const created = (await inject({ method: 'POST', url: `/api/teams/${teamId}/invitations`, headers: bearer(owner), payload: { email: invitee.email, role: 'admin' } })).json();
    await t.db.updateTable('invitations').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', created.id).execute();
    const expired = await inject({ method: 'POST', url: `/api/invitations/${created.token}/accept`, headers: bearer(invitee), payload: {} });
    expect(expired.statusCode).toBe(410);
    expect(expired.json().detail).toContain('expired');

    const second = (await inject({ method: 'POST', url: `/api/teams/${teamId}/invitations`, headers: bearer(owner), payload: { email: invitee.email, role: 'admin' } })).json();
    expect((await inject({ method: 'DELETE', url: `/api/teams/${teamId}/invitations/${second.id}`, headers: bearer(owner) })).statusCode).toBe(204);
    expect((await inject({ method: 'DELETE', url: `/api/teams/${teamId}/invitations/${second.id}`, headers: bearer(owner) })).statusCode).toBe(404);
    const revoked = await inject({ method: 'POST', url: `/api/invitations/${second.token}/accept`, headers: bearer(invitee), payload: {} });
    expect(revoked.statusCode).toBe(404);
    expect(await t.db.selectFrom('team_users').select('user_id').where('user_id', '=', invitee.id).execute()).toEqual([]);
  });

  it('rejects bad invitations and stores nothing', async () => {
    const { teamId, owner, member } = await teamWithRoles(t);
    const before = await databaseFingerprint(t.db);
    const cases: Array<[object, number]> = [
      [{ email: 'not-an-email', role: 'member' }, 400],
      [{ email: 'x@example.com', role: 'owner' }, 400],
      [{ email: 'x@example.com', role: 'superuser' }, 400],
      [{ email: 'x@example.com' }, 400],
      [{ email: member.email, role: 'member' }, 409],
    ];
    for (const [payload, status] of cases) {
      const res = await inject({ method: 'POST', url: `/api/teams/${teamId}/invitations`, headers: bearer(owner), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(await databaseFingerprint(t.db)).toEqual(before);
    const shortToken = await inject({ method: 'GET', url: '/api/invitations/short' });
    expect(shortToken.statusCode).toBe(400);
  });

  it('counts members and pending invitations against the plan limit (403 naming the limit)', async () => {
    const owner = await createUser(t);
    const teamId = await createTeam(t, owner, 'free');
    const max = PLAN_LIMITS.free.members;
    for (let i = 1; i < max - 1; i++) await addMember(t, teamId, await createUser(t), 'member');
    const ok = await inject({ method: 'POST', url: `/api/teams/${teamId}/invitations`, headers: bearer(owner), payload: { email: 'last@example.com', role: 'member' } });
    expect(ok.statusCode).toBe(201);
    const over = await inject({ method: 'POST', url: `/api/teams/${teamId}/invitations`, headers: bearer(owner), payload: { email: 'over@example.com', role: 'member' } });
    expect(over.statusCode).toBe(403);
    expect(over.json()).toMatchObject({ type: expect.stringContaining('limit-reached'), limit: 'members', plan: 'free', max });
  });
});
