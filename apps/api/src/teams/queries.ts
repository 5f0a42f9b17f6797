import type { Db } from '@sentrypulse/db';
import type { Plan, Role } from '@sentrypulse/shared';

/** Teams and memberships. Every query on a team's rows takes its id. */

export function findMembership(db: Db, teamId: number, userId: number) {
  return db
    .selectFrom('team_users as tu')
    .innerJoin('teams as t', 't.id', 'tu.team_id')
    .innerJoin('users as u', 'u.id', 'tu.user_id')
    .select(['tu.role', 't.plan', 't.owner_id', 't.name', 't.require_2fa', 'u.totp_enabled_at'])
    .where('tu.team_id', '=', teamId)
    .where('tu.user_id', '=', userId)
    .executeTakeFirst();
}

export function listMembershipsOfUser(db: Db, userId: number) {
  return db
    .selectFrom('team_users as tu')
    .innerJoin('teams as t', 't.id', 'tu.team_id')
    .select(['t.id', 't.name', 'tu.role', 't.plan', 't.owner_id', 't.created_at'])
    .where('tu.user_id', '=', userId)
    .orderBy('tu.created_at')
    .orderBy('t.id')
    .execute();
}

/** Inserts a team and its owner's membership; call inside a transaction. */
export async function insertTeamWithOwner(trx: Db, name: string, ownerId: number, plan: Plan = 'free') {
  const res = await trx.insertInto('teams').values({ name, owner_id: ownerId, plan }).executeTakeFirstOrThrow();
  const teamId = Number(res.insertId);
  await trx.insertInto('team_users').values({ team_id: teamId, user_id: ownerId, role: 'owner' as Role }).execute();
  return teamId;
}

export function findTeam(db: Db, teamId: number) {
  return db.selectFrom('teams').select(['id', 'name', 'plan', 'owner_id', 'created_at']).where('id', '=', teamId).executeTakeFirst();
}

export async function updateTeam(db: Db, teamId: number, changes: { name?: string; plan?: Plan }): Promise<void> {
  await db.updateTable('teams').set(changes).where('id', '=', teamId).execute();
}

/** Foreign keys cascade from teams.id, so this removes everything the team owns. */
export async function deleteTeam(db: Db, teamId: number): Promise<void> {
  await db.deleteFrom('teams').where('id', '=', teamId).execute();
}

/** Locks the new owner's membership row (inside the transfer's transaction); false if not a member. */
export async function lockMember(trx: Db, teamId: number, userId: number): Promise<boolean> {
  const row = await trx
    .selectFrom('team_users')
    .select('user_id')
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

/** The new owner becomes owner, the old one admin; call inside a transaction. */
export async function moveOwnership(trx: Db, teamId: number, fromUserId: number, toUserId: number): Promise<void> {
  await trx.updateTable('teams').set({ owner_id: toUserId }).where('id', '=', teamId).execute();
  await trx.updateTable('team_users').set({ role: 'owner' }).where('team_id', '=', teamId).where('user_id', '=', toUserId).execute();
  await trx.updateTable('team_users').set({ role: 'admin' }).where('team_id', '=', teamId).where('user_id', '=', fromUserId).execute();
}

function members(db: Db, teamId: number) {
  return db
    .selectFrom('team_users as tu')
    .innerJoin('users as u', 'u.id', 'tu.user_id')
    .select(['tu.user_id', 'u.name', 'u.email', 'tu.role', 'tu.created_at'])
    .where('tu.team_id', '=', teamId);
}

/** Keyset by user id, ascending; fetch one more than a page to know whether another follows. */
export function listMembers(db: Db, teamId: number, limit: number, afterUserId: number | null) {
  let q = members(db, teamId).orderBy('tu.user_id').limit(limit);
  if (afterUserId !== null) q = q.where('tu.user_id', '>', afterUserId);
  return q.execute();
}

export function findMember(db: Db, teamId: number, userId: number) {
  return members(db, teamId).where('tu.user_id', '=', userId).executeTakeFirst();
}

export function findMemberByEmail(db: Db, teamId: number, email: string) {
  return members(db, teamId).where('u.email', '=', email).executeTakeFirst();
}

export async function setMemberRole(db: Db, teamId: number, userId: number, role: Role): Promise<void> {
  await db.updateTable('team_users').set({ role }).where('team_id', '=', teamId).where('user_id', '=', userId).execute();
}

export async function insertMember(trx: Db, teamId: number, userId: number, role: Role): Promise<void> {
  await trx.insertInto('team_users').values({ team_id: teamId, user_id: userId, role }).execute();
}

export async function deleteMember(db: Db, teamId: number, userId: number): Promise<void> {
  await db.deleteFrom('team_users').where('team_id', '=', teamId).where('user_id', '=', userId).execute();
}

export async function countMembers(db: Db, teamId: number): Promise<number> {
  const row = await db
    .selectFrom('team_users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('team_id', '=', teamId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Locks the team row until the transaction ends, so concurrent creates cannot both pass a plan limit. */
export async function lockTeam(trx: Db, teamId: number): Promise<void> {
  await trx.selectFrom('teams').select('id').where('id', '=', teamId).forUpdate().executeTakeFirst();
}
