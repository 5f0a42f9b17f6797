import type { AccountTokenPurpose, Db } from '@sentrypulse/db';

/** Account-security SQL. Secrets arrive here only as hashes or ciphertext. */

export function findAccount(db: Db, by: { id: number } | { email: string }) {
  const q = db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'password_hash', 'email_verified_at', 'totp_secret_enc', 'totp_enabled_at', 'totp_last_step']);
  return ('id' in by ? q.where('id', '=', by.id) : q.where('email', '=', by.email)).executeTakeFirst();
}

export async function insertAccountToken(
  db: Db,
  v: { userId: number; purpose: AccountTokenPurpose; tokenHash: Buffer; email: string | null; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('account_tokens')
    .values({ user_id: v.userId, purpose: v.purpose, token_hash: v.tokenHash, email: v.email, expires_at: v.expiresAt, used_at: null })
    .execute();
}

export function findAccountToken(db: Db, purpose: AccountTokenPurpose, tokenHash: Buffer) {
  return db
    .selectFrom('account_tokens')
    .select(['id', 'user_id', 'email', 'expires_at', 'used_at'])
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .executeTakeFirst();
}

/** Marks the token used unless it already was: two concurrent uses, one winner. */
export async function claimAccountToken(db: Db, id: number): Promise<boolean> {
  const res = await db.updateTable('account_tokens').set({ used_at: new Date() }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** A new link supersedes the older unused ones of the same purpose. */
export async function expireAccountTokens(db: Db, userId: number, purpose: AccountTokenPurpose): Promise<void> {
  await db
    .updateTable('account_tokens')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}

export async function setPassword(db: Db, userId: number, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash, updated_at: new Date() }).where('id', '=', userId).execute();
}

export async function markEmailVerified(db: Db, userId: number, email: string): Promise<void> {
  await db.updateTable('users').set({ email, email_verified_at: new Date(), updated_at: new Date() }).where('id', '=', userId).execute();
}

export function emailTaken(db: Db, email: string, exceptUserId: number) {
  return db.selectFrom('users').select('id').where('email', '=', email).where('id', '!=', exceptUserId).executeTakeFirst();
}

export async function setPendingTotp(db: Db, userId: number, secretEnc: string): Promise<void> {
  await db.updateTable('users').set({ totp_secret_enc: secretEnc, totp_enabled_at: null, totp_last_step: null }).where('id', '=', userId).execute();
}

export async function enableTotp(db: Db, userId: number, step: number): Promise<boolean> {
  const res = await db
    .updateTable('users')
    .set({ totp_enabled_at: new Date(), totp_last_step: step })
    .where('id', '=', userId)
    .where('totp_enabled_at', 'is', null)
    .where('totp_secret_enc', 'is not', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function disableTotp(db: Db, userId: number): Promise<void> {
  await db.updateTable('users').set({ totp_secret_enc: null, totp_enabled_at: null, totp_last_step: null }).where('id', '=', userId).execute();
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
}

/** Records the accepted step unless a later or equal one already was: a code counts once. */
export async function claimTotpStep(db: Db, userId: number, step: number): Promise<boolean> {
  const res = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function replaceRecoveryCodes(db: Db, userId: number, hashes: Buffer[]): Promise<void> {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await db
    .insertInto('recovery_codes')
    .values(hashes.map((h) => ({ user_id: userId, code_hash: h, used_at: null })))
    .execute();
}

export async function useRecoveryCode(db: Db, userId: number, hash: Buffer): Promise<boolean> {
  const res = await db
    .updateTable('recovery_codes')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function countUnusedRecoveryCodes(db: Db, userId: number): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertSession(db: Db, v: { familyId: string; userId: number; userAgent: string | null; device: string; ip: string | null }): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ family_id: v.familyId, user_id: v.userId, user_agent: v.userAgent, device: v.device, ip: v.ip, revoked_at: null })
    .execute();
}

export async function touchSession(db: Db, familyId: string): Promise<void> {
  await db.updateTable('sessions').set({ last_used_at: new Date() }).where('family_id', '=', familyId).execute();
}

/** Sessions whose family still holds a live (unused, unrevoked, unexpired) refresh token. */
export function listActiveSessions(db: Db, userId: number) {
  return db
    .selectFrom('sessions as s')
    .select(['s.family_id', 's.device', 's.user_agent', 's.ip', 's.created_at', 's.last_used_at'])
    .where('s.user_id', '=', userId)
    .where('s.revoked_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('refresh_tokens as r')
          .select('r.id')
          .whereRef('r.family_id', '=', 's.family_id')
          .where('r.used_at', 'is', null)
          .where('r.revoked_at', 'is', null)
          .where('r.expires_at', '>', new Date()),
      ),
    )
    .orderBy('s.last_used_at', 'desc')
    .limit(200)
    .execute();
}

export function findFamilyOfToken(db: Db, tokenHash: Buffer) {
  return db.selectFrom('refresh_tokens').select(['family_id', 'user_id']).where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Revokes the user's given families (all but `except` when `familyIds` is 'all'); returns how many sessions. */
export async function revokeSessions(db: Db, userId: number, familyIds: string[] | 'all', except: string | null = null): Promise<number> {
  const now = new Date();
  let tokens = db.updateTable('refresh_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  let sessions = db.updateTable('sessions').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (familyIds !== 'all') {
    if (familyIds.length === 0) return 0;
    tokens = tokens.where('family_id', 'in', familyIds);
    sessions = sessions.where('family_id', 'in', familyIds);
  }
  if (except) {
    tokens = tokens.where('family_id', '!=', except);
    sessions = sessions.where('family_id', '!=', except);
  }
  await tokens.execute();
  const res = await sessions.executeTakeFirst();
  return Number(res.numUpdatedRows);
}

export async function insertSecurityEvent(db: Db, v: { userId: number | null; event: string; ip: string | null; detail?: string | null }): Promise<void> {
  await db.insertInto('security_events').values({ user_id: v.userId, event: v.event, ip: v.ip, detail: v.detail ?? null }).execute();
}

export function listSecurityEvents(db: Db, userId: number, limit: number) {
  return db.selectFrom('security_events').select(['id', 'event', 'ip', 'detail', 'created_at']).where('user_id', '=', userId).orderBy('id', 'desc').limit(limit).execute();
}

export function findTeamSecurity(db: Db, teamId: number) {
  return db.selectFrom('teams').select(['require_2fa']).where('id', '=', teamId).executeTakeFirst();
}

export async function setTeamRequire2fa(db: Db, teamId: number, on: boolean): Promise<void> {
  await db.updateTable('teams').set({ require_2fa: on }).where('id', '=', teamId).execute();
}

/** Members of the team who have not enabled 2FA (shown to the owner before switching it on). */
export function membersWithout2fa(db: Db, teamId: number) {
  return db
    .selectFrom('team_users as tu')
    .innerJoin('users as u', 'u.id', 'tu.user_id')
    .select(['u.id', 'u.name', 'u.email'])
    .where('tu.team_id', '=', teamId)
    .where('u.totp_enabled_at', 'is', null)
    .execute();
}
