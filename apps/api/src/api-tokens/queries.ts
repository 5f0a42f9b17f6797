import { sql, type Db } from '@sentrypulse/db';

/** Team API tokens; every team query takes the team id and filters by it. */

export function listTokens(db: Db, teamId: number) {
  return db.selectFrom('api_tokens').selectAll().where('team_id', '=', teamId).where('revoked_at', 'is', null).orderBy('id').execute();
}

export function findToken(db: Db, teamId: number, id: number) {
  return db.selectFrom('api_tokens').selectAll().where('team_id', '=', teamId).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
}

export interface TokenValues {
  created_by: number;
  name: string;
  prefix: string;
  token_hash: Buffer;
  scopes: string;
  expires_at: Date | null;
}

export async function insertToken(db: Db, teamId: number, v: TokenValues): Promise<number> {
  const res = await db.insertInto('api_tokens').values({ team_id: teamId, ...v }).executeTakeFirstOrThrow();
  return Number(res.insertId);
}

export async function revokeToken(db: Db, teamId: number, id: number): Promise<boolean> {
  const res = await db
    .updateTable('api_tokens')
    .set({ revoked_at: sql<Date>`CURRENT_TIMESTAMP(3)` })
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/**
 * The access hook's look-up: by the unique hash, with the team's plan and owner. Only while the
 * creator is still a member of the team: removing someone disables the tokens they made.
 */
export function findTokenByHash(db: Db, hash: Buffer) {
  return db
    .selectFrom('api_tokens as k')
    .innerJoin('teams as t', 't.id', 'k.team_id')
    .innerJoin('team_users as tu', (j) => j.onRef('tu.team_id', '=', 'k.team_id').onRef('tu.user_id', '=', 'k.created_by'))
    .select(['k.id', 'k.team_id', 'k.created_by', 'k.name', 'k.token_hash', 'k.scopes', 'k.expires_at', 'k.revoked_at', 't.plan', 't.owner_id'])
    .where('k.token_hash', '=', hash)
    .executeTakeFirst();
}

/** One statement per flush: each token's latest use. */
export async function touchTokens(db: Db, uses: Map<number, Date>): Promise<void> {
  for (const [id, at] of uses) {
    await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}
