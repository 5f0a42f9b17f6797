import type { Db } from '@sentrypulse/db';

/** Team SSO configuration and the identities it links. */

export function findTeamSso(db: Db, teamId: number) {
  return db
    .selectFrom('team_sso as s')
    .innerJoin('teams as t', 't.id', 's.team_id')
    .select(['s.team_id', 's.issuer', 's.client_id', 's.client_secret_enc', 's.default_role', 's.sso_required', 's.enabled', 't.plan', 't.owner_id'])
    .where('s.team_id', '=', teamId)
    .executeTakeFirst();
}

export async function upsertTeamSso(
  db: Db,
  teamId: number,
  v: { issuer: string; client_id: string; client_secret_enc: string | null; default_role: 'admin' | 'member'; sso_required: boolean; enabled: boolean },
): Promise<void> {
  await db
    .insertInto('team_sso')
    .values({ team_id: teamId, ...v })
    .onDuplicateKeyUpdate({ ...v, updated_at: new Date() })
    .execute();
}

export async function deleteTeamSso(db: Db, teamId: number): Promise<boolean> {
  const res = await db.deleteFrom('team_sso').where('team_id', '=', teamId).executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}

export function findIdentity(db: Db, issuer: string, subject: string) {
  return db.selectFrom('sso_identities').select(['user_id']).where('issuer', '=', issuer).where('subject', '=', subject).executeTakeFirst();
}

export async function insertIdentity(db: Db, userId: number, issuer: string, subject: string): Promise<void> {
  await db.insertInto('sso_identities').values({ user_id: userId, issuer, subject }).execute();
}

export function findUserByEmail(db: Db, email: string) {
  return db.selectFrom('users').select(['id', 'email_verified_at']).where('email', '=', email).executeTakeFirst();
}

/** Teams of the user that require SSO, where the user is not the owner (owners keep the password as a way back in). */
export function ssoRequiredTeamsOf(db: Db, userId: number) {
  return db
    .selectFrom('team_users as tu')
    .innerJoin('team_sso as s', 's.team_id', 'tu.team_id')
    .select(['tu.team_id'])
    .where('tu.user_id', '=', userId)
    .where('tu.role', '!=', 'owner')
    .where('s.enabled', '=', true)
    .where('s.sso_required', '=', true)
    .execute();
}
