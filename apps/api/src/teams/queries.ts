import type { Db } from '@sentrypulse/db';
import type { Plan, Role } from '@sentrypulse/shared';

export function findMembership(db: Db, teamId: number, userId: number) {
  return db
    .selectFrom('team_users as tu')
    .innerJoin('teams as t', 't.id', 'tu.team_id')
    .select(['tu.role', 't.plan', 't.owner_id', 't.name'])
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

export async function countMembers(db: Db, teamId: number): Promise<number> {
  const row = await db
    .selectFrom('team_users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('team_id', '=', teamId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
