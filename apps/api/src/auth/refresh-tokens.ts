import type { Db } from '@sentrypulse/db';
import { claimRefreshToken, findRefreshToken, insertRefreshToken, revokeFamily } from './queries';
import { hashToken, newFamilyId, newOpaqueToken, REFRESH_TOKEN_TTL_DAYS } from './tokens';

const DAY_MS = 86_400_000;

/** Starts a new family (one login) and returns its first token. */
export async function issueRefreshToken(db: Db, userId: number, familyId = newFamilyId()): Promise<string> {
  const token = newOpaqueToken();
  await insertRefreshToken(db, { userId, familyId, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL_DAYS * DAY_MS) });
  return token;
}

export type RotationResult =
  | { ok: true; userId: number; familyId: string; token: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'reused' };

/**
 * Rotates a refresh token: marks it used and issues its successor in the same family.
 * A token that was already used is a replay (stolen or raced): the whole family is revoked.
 * The conditional UPDATE makes two concurrent uses of one token resolve to one winner.
 */
export async function rotateRefreshToken(db: Db, presented: string): Promise<RotationResult> {
  const row = await findRefreshToken(db, hashToken(presented));
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.revoked_at) return { ok: false, reason: 'revoked' };
  if (row.used_at) {
    await revokeFamily(db, row.family_id);
    return { ok: false, reason: 'reused' };
  }
  if (row.expires_at.getTime() <= Date.now()) return { ok: false, reason: 'expired' };
  if (!(await claimRefreshToken(db, row.id))) {
    await revokeFamily(db, row.family_id);
    return { ok: false, reason: 'reused' };
  }
  const token = await issueRefreshToken(db, row.user_id, row.family_id);
  return { ok: true, userId: row.user_id, familyId: row.family_id, token };
}
