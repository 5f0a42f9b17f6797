import type { Db } from '@sentrypulse/db';

/** Invitation rows. Team-side queries take the team id; a token is the credential of the public ones. */

/** Neither accepted, revoked nor expired. */
function pending(db: Db, teamId: number) {
  return db
    .selectFrom('invitations')
    .select(['id', 'email', 'role', 'invited_by', 'expires_at', 'created_at'])
    .where('team_id', '=', teamId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date());
}

/** Keyset by id, newest first. */
export function listPending(db: Db, teamId: number, limit: number, beforeId: number | null) {
  let q = pending(db, teamId).orderBy('id', 'desc').limit(limit);
  if (beforeId !== null) q = q.where('id', '<', beforeId);
  return q.execute();
}

export function findPending(db: Db, teamId: number, by: { id: number } | { email: string }) {
  const q = pending(db, teamId);
  return ('id' in by ? q.where('id', '=', by.id) : q.where('email', '=', by.email)).executeTakeFirst();
}

export async function countPending(db: Db, teamId: number): Promise<number> {
  return (await pending(db, teamId).execute()).length;
}

export async function insertInvitation(
  db: Db,
  teamId: number,
  v: { email: string; role: 'admin' | 'member'; tokenHash: Buffer; invitedBy: number; expiresAt: Date },
): Promise<number> {
  const res = await db
    .insertInto('invitations')
    .values({
      team_id: teamId,
      email: v.email,
      role: v.role,
      token_hash: v.tokenHash,
      invited_by: v.invitedBy,
      expires_at: v.expiresAt,
      accepted_at: null,
      revoked_at: null,
    })
    .executeTakeFirstOrThrow();
  return Number(res.insertId);
}

/** Revokes a pending invitation of the team; false when there is none with that id. */
export async function revokeInvitation(db: Db, teamId: number, invitationId: number): Promise<boolean> {
  const res = await db
    .updateTable('invitations')
    .set({ revoked_at: new Date() })
    .where('team_id', '=', teamId)
    .where('id', '=', invitationId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** The invitation behind a link, with what its page shows (team and inviter names). */
export function findByTokenHash(db: Db, tokenHash: Buffer) {
  return db
    .selectFrom('invitations as i')
    .innerJoin('teams as t', 't.id', 'i.team_id')
    .innerJoin('users as u', 'u.id', 'i.invited_by')
    .select(['i.id', 'i.team_id', 'i.email', 'i.role', 'i.expires_at', 'i.accepted_at', 'i.revoked_at', 't.name as team_name', 'u.name as invited_by_name'])
    .where('i.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Marks it accepted unless someone was faster: the conditional UPDATE has one winner. */
export async function claimInvitation(trx: Db, invitationId: number): Promise<boolean> {
  const res = await trx
    .updateTable('invitations')
    .set({ accepted_at: new Date() })
    .where('id', '=', invitationId)
    .where('accepted_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
