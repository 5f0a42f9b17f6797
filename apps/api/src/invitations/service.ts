import { transactionWithRetry } from '@sentrypulse/db';
import type { CreateInvitationBody, Invitation } from '@sentrypulse/shared';
import { findUser } from '../auth/queries';
import { hashToken, newOpaqueToken } from '../auth/tokens';
import { teamScope, userScope, type ServiceContext } from '../context';
import { Conflict, Forbidden, Gone, NotFound } from '../errors';
import { keysetPage } from '../pagination';
import { EmailNotVerified } from '../security/errors';
import { assertWithinLimit } from '../teams/limits';
import { countMembers, findMember, findMemberByEmail, insertMember } from '../teams/queries';
import * as q from './queries';

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

export async function listInvitations(ctx: ServiceContext, limit: number, cursor: number | null) {
  const rows = await q.listPending(ctx.db, teamScope(ctx).id, limit + 1, cursor);
  return keysetPage(rows, limit, (r) => r.id, toInvitation);
}

/** Pending invitations count toward the member limit, so a team cannot over-invite. */
export async function createInvitation(ctx: ServiceContext, input: CreateInvitationBody) {
  const team = teamScope(ctx);
  const invitedBy = userScope(ctx);
  if (await findMemberByEmail(ctx.db, team.id, input.email)) throw new Conflict(`${input.email} is already a member of this team.`);
  if (await q.findPending(ctx.db, team.id, { email: input.email })) {
    throw new Conflict(`${input.email} already has a pending invitation; revoke it to send a new one.`);
  }
  const pendingCount = await q.countPending(ctx.db, team.id);
  assertWithinLimit(team.plan, 'members', (await countMembers(ctx.db, team.id)) + pendingCount);

  const token = newOpaqueToken();
  const id = await q.insertInvitation(ctx.db, team.id, {
    email: input.email,
    role: input.role,
    tokenHash: hashToken(token),
    invitedBy,
    expiresAt: new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000),
  });
  const row = await q.findPending(ctx.db, team.id, { id });
  if (!row) throw new Error(`invitation ${id} vanished right after its insert`);
  return { ...toInvitation(row), token, accept_url: `${ctx.config.publicUrl}/invitations/${token}` };
}

export async function revokeInvitation(ctx: ServiceContext, invitationId: number): Promise<void> {
  if (!(await q.revokeInvitation(ctx.db, teamScope(ctx).id, invitationId))) throw new NotFound('Invitation');
}

/** The token is the credential: unknown and revoked look alike (404); used or expired are 410. */
async function findByToken(ctx: ServiceContext, token: string) {
  const row = await q.findByTokenHash(ctx.db, hashToken(token));
  if (!row || row.revoked_at) throw new NotFound('Invitation');
  if (row.accepted_at) throw new Gone('This invitation was already accepted.');
  if (row.expires_at.getTime() <= Date.now()) throw new Gone('This invitation has expired; ask for a new one.');
  return row;
}

export async function previewInvitation(ctx: ServiceContext, token: string) {
  const row = await findByToken(ctx, token);
  return {
    team_name: row.team_name,
    email: row.email,
    role: row.role,
    invited_by_name: row.invited_by_name,
    expires_at: row.expires_at.toISOString(),
  };
}

/** The invitation is for one email address: only the account with that address can accept it. */
export async function acceptInvitation(ctx: ServiceContext, token: string): Promise<{ team_id: number }> {
  const userId = userScope(ctx);
  const inv = await findByToken(ctx, token);
  const user = await findUser(ctx.db, userId);
  if (!user) throw new Error(`user ${userId} of a valid access token does not exist`);
  if (user.email.toLowerCase() !== inv.email.toLowerCase()) {
    throw new Forbidden(`This invitation is for ${inv.email}; log in with that account to accept it.`);
  }
  if (!user.email_verified) throw new EmailNotVerified('accept a team invitation');
  await transactionWithRetry(ctx.db, async (trx) => {
    if (!(await q.claimInvitation(trx, inv.id))) throw new Gone('This invitation was already accepted.');
    if (await findMember(trx, inv.team_id, userId)) throw new Conflict('You are already a member of this team.');
    await insertMember(trx, inv.team_id, userId, inv.role);
  });
  return { team_id: inv.team_id };
}
