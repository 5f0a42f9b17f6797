import type { Db } from '@sentrypulse/db';

/** Accounts and refresh tokens. Tokens are stored only as hashes; callers pass the hash. */

export async function findUser(db: Db, id: number) {
  const row = await db.selectFrom('users').select(['id', 'name', 'email', 'email_verified_at', 'totp_enabled_at']).where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return { id: row.id, name: row.name, email: row.email, email_verified: row.email_verified_at !== null, two_factor_enabled: row.totp_enabled_at !== null };
}

export function findCredentials(db: Db, by: { email: string } | { id: number }) {
  const q = db.selectFrom('users').select(['id', 'name', 'email', 'password_hash', 'totp_enabled_at']);
  return ('email' in by ? q.where('email', '=', by.email) : q.where('id', '=', by.id)).executeTakeFirst();
}

/** Inserts the user; a taken email is a duplicate-key error for the caller to turn into a 409. */
export async function insertUser(trx: Db, v: { name: string; email: string; passwordHash: string }): Promise<number> {
  const res = await trx.insertInto('users').values({ name: v.name, email: v.email, password_hash: v.passwordHash }).executeTakeFirstOrThrow();
  return Number(res.insertId);
}

export async function updateUser(db: Db, id: number, changes: { name?: string; password_hash?: string }): Promise<void> {
  await db.updateTable('users').set({ ...changes, updated_at: new Date() }).where('id', '=', id).execute();
}

export async function insertRefreshToken(db: Db, v: { userId: number; familyId: string; tokenHash: Buffer; expiresAt: Date }): Promise<void> {
  await db
    .insertInto('refresh_tokens')
    .values({ user_id: v.userId, family_id: v.familyId, token_hash: v.tokenHash, expires_at: v.expiresAt, used_at: null, revoked_at: null })
    .execute();
}

export function findRefreshToken(db: Db, tokenHash: Buffer) {
  return db
    .selectFrom('refresh_tokens')
    .select(['id', 'user_id', 'family_id', 'expires_at', 'used_at', 'revoked_at'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Marks the token used unless it already was (or was revoked): two concurrent uses, one winner. */
export async function claimRefreshToken(db: Db, id: number): Promise<boolean> {
  const res = await db
    .updateTable('refresh_tokens')
    .set({ used_at: new Date() })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function revokeFamily(db: Db, familyId: string): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: new Date() })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function revokeAllForUser(db: Db, userId: number): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: new Date() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}
