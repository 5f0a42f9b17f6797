import type { Db } from '@sentrypulse/db';
import { canAssignRole, PLAN_LIMITS, type Member, type Plan, type Role, type Team } from '@sentrypulse/shared';
import { Conflict, Forbidden, NotFound } from '../errors';
import type { TeamContext } from '../types';
import { insertTeamWithOwner, listMembershipsOfUser } from './queries';

function toTeam(row: { id: number; name: string; plan: Plan; role: Role; owner_id: number; created_at: Date }): Team {
  return {
    id: row.id,
    name: row.name,
    plan: row.plan,
    role: row.role,
    owner_id: row.owner_id,
    limits: PLAN_LIMITS[row.plan],
    created_at: row.created_at.toISOString(),
  };
}

export async function listTeams(db: Db, userId: number): Promise<Team[]> {
  return (await listMembershipsOfUser(db, userId)).map(toTeam);
}

export async function getTeam(db: Db, team: TeamContext): Promise<Team> {
  const row = await db
    .selectFrom('teams')
    .select(['id', 'name', 'plan', 'owner_id', 'created_at'])
    .where('id', '=', team.id)
    .executeTakeFirst();
  if (!row) throw new NotFound('Team');
  return toTeam({ ...row, role: team.role });
}

export async function createTeam(db: Db, userId: number, name: string): Promise<Team> {
  const id = await db.transaction().execute((trx) => insertTeamWithOwner(trx, name, userId));
  return getTeam(db, { id, role: 'owner', plan: 'free', ownerId: userId });
}

export async function renameTeam(db: Db, team: TeamContext, name: string): Promise<Team> {
  await db.updateTable('teams').set({ name }).where('id', '=', team.id).execute();
  return getTeam(db, team);
}

export async function changePlan(db: Db, team: TeamContext, plan: Plan): Promise<Team> {
  await db.updateTable('teams').set({ plan }).where('id', '=', team.id).execute();
  return getTeam(db, { ...team, plan });
}

/** Deleting a team removes everything it owns (foreign keys cascade from teams.id). */
export async function deleteTeam(db: Db, team: TeamContext): Promise<void> {
  await db.deleteFrom('teams').where('id', '=', team.id).execute();
}

export async function transferOwnership(db: Db, team: TeamContext, newOwnerId: number): Promise<Team> {
  if (newOwnerId === team.ownerId) throw new Conflict('That user already owns the team.');
  await db.transaction().execute(async (trx) => {
    const target = await trx
      .selectFrom('team_users')
      .select('user_id')
      .where('team_id', '=', team.id)
      .where('user_id', '=', newOwnerId)
      .forUpdate()
      .executeTakeFirst();
    if (!target) throw new NotFound('Member');
    await trx.updateTable('teams').set({ owner_id: newOwnerId }).where('id', '=', team.id).execute();
    await trx.updateTable('team_users').set({ role: 'owner' }).where('team_id', '=', team.id).where('user_id', '=', newOwnerId).execute();
    await trx.updateTable('team_users').set({ role: 'admin' }).where('team_id', '=', team.id).where('user_id', '=', team.ownerId).execute();
  });
  return getTeam(db, { ...team, role: 'admin', ownerId: newOwnerId });
}

function memberQuery(db: Db, teamId: number) {
  return db
    .selectFrom('team_users as tu')
    .innerJoin('users as u', 'u.id', 'tu.user_id')
    .select(['tu.user_id', 'u.name', 'u.email', 'tu.role', 'tu.created_at'])
    .where('tu.team_id', '=', teamId);
}

function toMember(r: { user_id: number; name: string; email: string; role: Role; created_at: Date }): Member {
  return { user_id: r.user_id, name: r.name, email: r.email, role: r.role, joined_at: r.created_at.toISOString() };
}

export async function listMembers(db: Db, team: TeamContext, limit: number, cursor: number | null) {
  let q = memberQuery(db, team.id).orderBy('tu.user_id').limit(limit + 1);
  if (cursor !== null) q = q.where('tu.user_id', '>', cursor);
  const rows = await q.execute();
  const page = rows.slice(0, limit);
  return {
    items: page.map(toMember),
    next_cursor: rows.length > limit ? String(page[page.length - 1]!.user_id) : null,
  };
}

async function findMember(db: Db, teamId: number, userId: number) {
  const row = await memberQuery(db, teamId).where('tu.user_id', '=', userId).executeTakeFirst();
  if (!row) throw new NotFound('Member');
  return row;
}

/** Admins manage admins and members; owners change only through ownership transfer. */
export async function changeRole(db: Db, team: TeamContext, userId: number, role: Role): Promise<Member> {
  const member = await findMember(db, team.id, userId);
  if (member.role === 'owner') throw new Forbidden("The owner's role changes only by transferring ownership.");
  if (!canAssignRole(team.role, role)) throw new Forbidden(`Your role (${team.role}) cannot assign the ${role} role.`);
  await db.updateTable('team_users').set({ role }).where('team_id', '=', team.id).where('user_id', '=', userId).execute();
  return toMember({ ...member, role });
}

export async function removeMember(db: Db, team: TeamContext, userId: number): Promise<void> {
  const member = await findMember(db, team.id, userId);
  if (member.role === 'owner') throw new Forbidden('The owner cannot be removed; transfer ownership first.');
  await db.deleteFrom('team_users').where('team_id', '=', team.id).where('user_id', '=', userId).execute();
}

export async function leaveTeam(db: Db, team: TeamContext, userId: number): Promise<void> {
  if (team.ownerId === userId) throw new Conflict('The owner cannot leave; transfer ownership or delete the team.');
  await db.deleteFrom('team_users').where('team_id', '=', team.id).where('user_id', '=', userId).execute();
}
