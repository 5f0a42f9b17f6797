import { transactionWithRetry } from '@sentrypulse/db';
import type { AuthResponse, LoginBody, LoginResponse, MeResponse, RegisterBody, TeamMembership } from '@sentrypulse/shared';
import { userScope, type ServiceContext } from '../context';
import { Conflict, isDuplicateKey, NotFound, Unauthorized } from '../errors';
import { insertTeamWithOwner, listMembershipsOfUser } from '../teams/queries';
import { hashPassword, verifyPassword } from './passwords';
import * as q from './queries';
import { rotateRefreshToken } from './refresh-tokens';
import type { ClientInfo } from '../security/client';
import { assertPasswordLoginAllowed } from '../sso/service';
import { logEvent, mfaChallenge, notifyPasswordChanged, sendVerification, startSession, touchSession } from '../security/service';
import { ACCESS_TOKEN_TTL_SECONDS, hashToken, signAccessToken } from './tokens';

async function findUser(ctx: ServiceContext, id: number) {
  const user = await q.findUser(ctx.db, id);
  if (!user) throw new Unauthorized('The account no longer exists.');
  return user;
}

async function memberships(ctx: ServiceContext, userId: number): Promise<TeamMembership[]> {
  const rows = await listMembershipsOfUser(ctx.db, userId);
  return rows.map((r) => ({ id: r.id, name: r.name, role: r.role, plan: r.plan }));
}

async function session(ctx: ServiceContext, userId: number, refreshToken: string): Promise<AuthResponse> {
  const user = await findUser(ctx, userId);
  const teams = await memberships(ctx, userId);
  return {
    access_token: signAccessToken(ctx.config.jwtSecret, userId),
    refresh_token: refreshToken,
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    user,
    team: teams[0] ?? null,
  };
}

/** A new session (refresh-token family) for `userId` from `client`, and its token body. */
export async function issueSession(ctx: ServiceContext, userId: number, client: ClientInfo): Promise<AuthResponse> {
  return session(ctx, userId, await startSession(ctx, userId, client));
}

export async function register(ctx: ServiceContext, input: RegisterBody, client: ClientInfo): Promise<AuthResponse> {
  const passwordHash = await hashPassword(input.password);
  let userId: number;
  try {
    userId = await transactionWithRetry(ctx.db, async (trx) => {
      const id = await q.insertUser(trx, { name: input.name, email: input.email, passwordHash });
      await insertTeamWithOwner(trx, `${input.name}'s team`, id);
      return id;
    });
  } catch (err) {
    if (isDuplicateKey(err)) throw new Conflict('An account with this email already exists.');
    throw err;
  }
  await sendVerification(ctx, { id: userId, name: input.name }, input.email);
  return issueSession(ctx, userId, client);
}

/**
 * The password (bcrypt against a dummy hash when the email is unknown, so both cost the same);
 * then, with 2FA on, the second step's ticket instead of tokens.
 */
export async function login(ctx: ServiceContext, input: LoginBody, client: ClientInfo): Promise<LoginResponse> {
  const user = await q.findCredentials(ctx.db, { email: input.email });
  const ok = await verifyPassword(input.password, user?.password_hash);
  if (!user || !ok) {
    await logEvent(ctx, user?.id ?? null, 'login.failed', client);
    throw new Unauthorized('Email or password is wrong.');
  }
  await assertPasswordLoginAllowed(ctx, user.id);
  if (user.totp_enabled_at) return mfaChallenge(ctx, user.id);
  return issueSession(ctx, user.id, client);
}

export async function refresh(ctx: ServiceContext, presented: string): Promise<AuthResponse> {
  const result = await rotateRefreshToken(ctx.db, presented);
  if (!result.ok) {
    const why = {
      unknown: 'The refresh token is not valid.',
      expired: 'The refresh token has expired: log in again.',
      revoked: 'The refresh token was revoked: log in again.',
      reused: 'The refresh token was already used; every session of this login was signed out.',
    }[result.reason];
    throw new Unauthorized(why);
  }
  await touchSession(ctx, result.familyId);
  return session(ctx, result.userId, result.token);
}

/** Revokes the presented token's login, or with `everywhere` every login of its account. An unknown token is a no-op. */
export async function logout(ctx: ServiceContext, presented: string, everywhere: boolean): Promise<void> {
  const row = await q.findRefreshToken(ctx.db, hashToken(presented));
  if (!row) return;
  if (everywhere) await q.revokeAllForUser(ctx.db, row.user_id);
  else await q.revokeFamily(ctx.db, row.family_id);
}

export async function logoutAll(ctx: ServiceContext): Promise<void> {
  await q.revokeAllForUser(ctx.db, userScope(ctx));
}

export async function me(ctx: ServiceContext): Promise<MeResponse> {
  const userId = userScope(ctx);
  return { user: await findUser(ctx, userId), teams: await memberships(ctx, userId) };
}

export async function updateProfile(ctx: ServiceContext, name: string) {
  const userId = userScope(ctx);
  await q.updateUser(ctx.db, userId, { name });
  return findUser(ctx, userId);
}

/** Changing the password signs out every other session and starts a fresh one here. */
export async function changePassword(ctx: ServiceContext, current: string, next: string, client: ClientInfo): Promise<AuthResponse> {
  const userId = userScope(ctx);
  const row = await q.findCredentials(ctx.db, { id: userId });
  if (!row) throw new NotFound('Account');
  if (!(await verifyPassword(current, row.password_hash))) throw new Unauthorized('The current password is wrong.');
  await q.updateUser(ctx.db, userId, { password_hash: await hashPassword(next) });
  await q.revokeAllForUser(ctx.db, userId);
  await logEvent(ctx, userId, 'password.changed', client);
  notifyPasswordChanged(ctx, row.email, row.name, client);
  return issueSession(ctx, userId, client);
}
