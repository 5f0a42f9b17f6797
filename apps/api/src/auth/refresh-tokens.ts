import type { Db } from '@sentrypulse/db';
import { hashToken, newFamilyId, newOpaqueToken, REFRESH_TOKEN_TTL_DAYS } from './tokens';

const DAY_MS = 86_400_000;

/** Starts a new family (one login) and returns its first token. */
export async function issueRefreshToken(db: Db, userId: number, familyId = newFamilyId()): Promise<string> {
  const token = newOpaqueToken();
  await db
    .insertInto('refresh_tokens')
    .values({
      user_id: userId,
      family_id: familyId,
      token_hash: hashToken(token),
      expires_at: new Date(Date.now() + REFRESH_TOKEN_TTL_DAYS * DAY_MS),
      used_at: null,
      revoked_at: null,
    })
    .execute();
  return token;
}

export type RotationResult =
  | { ok: true; userId: number; token: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'reused' };

/**
 * Rotates a refresh token: marks it used and issues its successor in the same family.
 * A token that was already used is a replay (stolen or raced): the whole family is revoked.
 * The conditional UPDATE makes two concurrent uses of one token resolve to one winner.
 */
export async function rotateRefreshToken(db: Db, presented: string): Promise<RotationResult> {
  const hash = hashToken(presented);
  const row = await db
    .selectFrom('refresh_tokens')
    .select(['id', 'user_id', 'family_id', 'expires_at', 'used_at', 'revoked_at'])
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.revoked_at) return { ok: false, reason: 'revoked' };
  if (row.used_at) {
    await revokeFamily(db, row.family_id);
    return { ok: false, reason: 'reused' };
  }
  if (row.expires_at.getTime() <= Date.now()) return { ok: false, reason: 'expired' };

  const claimed = await db
    .updateTable('refresh_tokens')
    .set({ used_at: new Date() })
    .where('id', '=', row.id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) {
    await revokeFamily(db, row.family_id);
    return { ok: false, reason: 'reused' };
  }
  const token = await issueRefreshToken(db, row.user_id, row.family_id);
  return { ok: true, userId: row.user_id, token };
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

export async function findFamilyOf(db: Db, presented: string) {
  return db
    .selectFrom('refresh_tokens')
    .select(['family_id', 'user_id'])
    .where('token_hash', '=', hashToken(presented))
    .executeTakeFirst();
}
