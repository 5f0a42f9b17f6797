import type { Db } from '@sentrypulse/db';
import type { CreateInvitationBody, Invitation } from '@sentrypulse/shared';
import { hashToken, newOpaqueToken } from '../auth/tokens';
import { Conflict, Forbidden, Gone, NotFound } from '../errors';
import type { TeamContext } from '../types';
import { assertWithinLimit } from './limits';
import { countMembers } from './queries';

export const INVITATION_TTL_DAYS = 7;

type Row = {
  id: number;
  email: string;
  role: 'admin' | 'member';
  invited_by: number;
  expires_at: Date;
  created_at: Date;
};

function toInvitation(r: Row): Invitation {
  return {
    id: r.id,
    email: r.email,
    role: r.role,
    invited_by: r.invited_by,
    expires_at: r.expires_at.toISOString(),
    created_at: r.created_at.toISOString(),
  };
}

function pending(db: Db, teamId: number) {
  return db
    .selectFrom('invitations')
    .select(['id', 'email', 'role', 'invited_by', 'expires_at', 'created_at'])
    .where('team_id', '=', teamId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date());
}

export async function listInvitations(db: Db, team: TeamContext, limit: number, cursor: number | null) {
  let q = pending(db, team.id).orderBy('id', 'desc').limit(limit + 1);
  if (cursor !== null) q = q.where('id', '<', cursor);
  const rows = await q.execute();
  const page = rows.slice(0, limit);
  return { items: page.map(toInvitation), next_cursor: rows.length > limit ? String(page[page.length - 1]!.id) : null };
}

/** Pending invitations count toward the member limit, so a team cannot over-invite. */
export async function createInvitation(db: Db, team: TeamContext, invitedBy: number, input: CreateInvitationBody, publicUrl: string) {
  const alreadyMember = await db
    .selectFrom('team_users as tu')
    .innerJoin('users as u', 'u.id', 'tu.user_id')
    .select('u.id')
    .where('tu.team_id', '=', team.id)
    .where('u.email', '=', input.email)
    .executeTakeFirst();
  if (alreadyMember) throw new Conflict(`${input.email} is already a member of this team.`);
  const open = await pending(db, team.id).where('email', '=', input.email).executeTakeFirst();
  if (open) throw new Conflict(`${input.email} already has a pending invitation; revoke it to send a new one.`);

  const pendingCount = (await pending(db, team.id).execute()).length;
  assertWithinLimit(team.plan, 'members', (await countMembers(db, team.id)) + pendingCount);

  const token = newOpaqueToken();
  const res = await db
    .insertInto('invitations')
    .values({
      team_id: team.id,
      email: input.email,
      role: input.role,
      token_hash: hashToken(token),
      invited_by: invitedBy,
      expires_at: new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000),
      accepted_at: null,
      revoked_at: null,
    })
    .executeTakeFirstOrThrow();
  const row = await pending(db, team.id).where('id', '=', Number(res.insertId)).executeTakeFirstOrThrow();
  return { ...toInvitation(row), token, accept_url: `${publicUrl}/invitations/${token}` };
}

export async function revokeInvitation(db: Db, team: TeamContext, invitationId: number): Promise<void> {
  const res = await db
    .updateTable('invitations')
    .set({ revoked_at: new Date() })
    .where('team_id', '=', team.id)
    .where('id', '=', invitationId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) throw new NotFound('Invitation');
}

async function findByToken(db: Db, token: string) {
  const row = await db
    .selectFrom('invitations as i')
    .innerJoin('teams as t', 't.id', 'i.team_id')
    .innerJoin('users as u', 'u.id', 'i.invited_by')
    .select(['i.id', 'i.team_id', 'i.email', 'i.role', 'i.expires_at', 'i.accepted_at', 'i.revoked_at', 't.name as team_name', 'u.name as invited_by_name'])
    .where('i.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.revoked_at) throw new NotFound('Invitation');
  if (row.accepted_at) throw new Gone('This invitation was already accepted.');
  if (row.expires_at.getTime() <= Date.now()) throw new Gone('This invitation has expired; ask for a new one.');
  return row;
}

export async function previewInvitation(db: Db, token: string) {
  const row = await findByToken(db, token);
  return {
    team_name: row.team_name,
    email: row.email,
    role: row.role,
    invited_by_name: row.invited_by_name,
    expires_at: row.expires_at.toISOString(),
  };
}

/** The invitation is for one email address: only the account with that address can accept it. */
export async function acceptInvitation(db: Db, token: string, userId: number): Promise<{ team_id: number }> {
  const inv = await findByToken(db, token);
  const user = await db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirstOrThrow();
  if (user.email.toLowerCase() !== inv.email.toLowerCase()) {
    throw new Forbidden(`This invitation is for ${inv.email}; log in with that account to accept it.`);
  }
  await db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('invitations')
      .set({ accepted_at: new Date() })
      .where('id', '=', inv.id)
      .where('accepted_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new Gone('This invitation was already accepted.');
    const existing = await trx
      .selectFrom('team_users')
      .select('role')
      .where('team_id', '=', inv.team_id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (existing) throw new Conflict('You are already a member of this team.');
    await trx.insertInto('team_users').values({ team_id: inv.team_id, user_id: userId, role: inv.role }).execute();
  });
  return { team_id: inv.team_id };
}
