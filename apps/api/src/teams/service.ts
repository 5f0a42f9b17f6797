import { transactionWithRetry } from '@sentrypulse/db';
import { canAssignRole, PLAN_LIMITS, type Member, type Plan, type Role, type Team } from '@sentrypulse/shared';
import { teamScope, userScope, type ServiceContext } from '../context';
import { Conflict, Forbidden, NotFound } from '../errors';
import { keysetPage } from '../pagination';
import type { TeamContext } from '../types';
import * as q from './queries';

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

function toMember(r: { user_id: number; name: string; email: string; role: Role; created_at: Date }): Member {
  return { user_id: r.user_id, name: r.name, email: r.email, role: r.role, joined_at: r.created_at.toISOString() };
}

/** The team as `team` (the caller's view of it: their role) sees it after a change. */
async function teamAs(ctx: ServiceContext, team: TeamContext): Promise<Team> {
  const row = await q.findTeam(ctx.db, team.id);
  if (!row) throw new NotFound('Team');
  return toTeam({ ...row, role: team.role });
}

export async function listTeams(ctx: ServiceContext): Promise<Team[]> {
  return (await q.listMembershipsOfUser(ctx.db, userScope(ctx))).map(toTeam);
}

export async function createTeam(ctx: ServiceContext, name: string): Promise<Team> {
  const userId = userScope(ctx);
  const id = await transactionWithRetry(ctx.db, (trx) => q.insertTeamWithOwner(trx, name, userId));
  return teamAs(ctx, { id, role: 'owner', plan: 'free', ownerId: userId });
}

export async function getTeam(ctx: ServiceContext): Promise<Team> {
  return teamAs(ctx, teamScope(ctx));
}

export async function renameTeam(ctx: ServiceContext, name: string): Promise<Team> {
  const team = teamScope(ctx);
  await q.updateTeam(ctx.db, team.id, { name });
  return teamAs(ctx, team);
}

export async function changePlan(ctx: ServiceContext, plan: Plan): Promise<Team> {
  const team = teamScope(ctx);
  await q.updateTeam(ctx.db, team.id, { plan });
  return teamAs(ctx, { ...team, plan });
}

/** Deleting a team removes everything it owns (foreign keys cascade from teams.id). */
export async function deleteTeam(ctx: ServiceContext): Promise<void> {
  await q.deleteTeam(ctx.db, teamScope(ctx).id);
}

export async function transferOwnership(ctx: ServiceContext, newOwnerId: number): Promise<Team> {
  const team = teamScope(ctx);
  if (newOwnerId === team.ownerId) throw new Conflict('That user already owns the team.');
  await transactionWithRetry(ctx.db, async (trx) => {
    if (!(await q.lockMember(trx, team.id, newOwnerId))) throw new NotFound('Member');
    await q.moveOwnership(trx, team.id, team.ownerId, newOwnerId);
  });
  return teamAs(ctx, { ...team, role: 'admin', ownerId: newOwnerId });
}

export async function leaveTeam(ctx: ServiceContext): Promise<void> {
  const team = teamScope(ctx);
  const userId = userScope(ctx);
  if (team.ownerId === userId) throw new Conflict('The owner cannot leave; transfer ownership or delete the team.');
  await q.deleteMember(ctx.db, team.id, userId);
}

export async function listMembers(ctx: ServiceContext, limit: number, cursor: number | null) {
  const rows = await q.listMembers(ctx.db, teamScope(ctx).id, limit + 1, cursor);
  return keysetPage(rows, limit, (r) => r.user_id, toMember);
}

async function findMember(ctx: ServiceContext, teamId: number, userId: number) {
  const row = await q.findMember(ctx.db, teamId, userId);
  if (!row) throw new NotFound('Member');
  return row;
}

/** Admins manage admins and members; owners change only through ownership transfer. */
export async function changeRole(ctx: ServiceContext, userId: number, role: Role): Promise<Member> {
  const team = teamScope(ctx);
  const member = await findMember(ctx, team.id, userId);
  if (member.role === 'owner') throw new Forbidden("The owner's role changes only by transferring ownership.");
  if (!canAssignRole(team.role, role)) throw new Forbidden(`Your role (${team.role}) cannot assign the ${role} role.`);
  await q.setMemberRole(ctx.db, team.id, userId, role);
  return toMember({ ...member, role });
}

export async function removeMember(ctx: ServiceContext, userId: number): Promise<void> {
  const team = teamScope(ctx);
  const member = await findMember(ctx, team.id, userId);
  if (member.role === 'owner') throw new Forbidden('The owner cannot be removed; transfer ownership first.');
  await q.deleteMember(ctx.db, team.id, userId);
}
