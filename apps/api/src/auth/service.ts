import type { Db } from '@sentrypulse/db';
import type { AuthResponse, LoginBody, MeResponse, RegisterBody, TeamMembership } from '@sentrypulse/shared';
import { Conflict, isDuplicateKey, NotFound, Unauthorized } from '../errors';
import { insertTeamWithOwner, listMembershipsOfUser } from '../teams/queries';
import { hashPassword, verifyPassword } from './passwords';
import { issueRefreshToken, revokeAllForUser, rotateRefreshToken } from './refresh-tokens';
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken } from './tokens';

export interface AuthCtx {
  db: Db;
  jwtSecret: string;
}

async function findUser(db: Db, id: number) {
  const user = await db.selectFrom('users').select(['id', 'name', 'email']).where('id', '=', id).executeTakeFirst();
  if (!user) throw new Unauthorized('The account no longer exists.');
  return user;
}

async function memberships(db: Db, userId: number): Promise<TeamMembership[]> {
  const rows = await listMembershipsOfUser(db, userId);
  return rows.map((r) => ({ id: r.id, name: r.name, role: r.role, plan: r.plan }));
}

async function session(ctx: AuthCtx, userId: number, refreshToken: string): Promise<AuthResponse> {
  const user = await findUser(ctx.db, userId);
  const teams = await memberships(ctx.db, userId);
  return {
    access_token: signAccessToken(ctx.jwtSecret, userId),
    refresh_token: refreshToken,
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    user,
    team: teams[0] ?? null,
  };
}

export async function register(ctx: AuthCtx, input: RegisterBody): Promise<AuthResponse> {
  const passwordHash = await hashPassword(input.password);
  let userId: number;
  try {
    userId = await ctx.db.transaction().execute(async (trx) => {
      const res = await trx
        .insertInto('users')
        .values({ name: input.name, email: input.email, password_hash: passwordHash })
        .executeTakeFirstOrThrow();
      const id = Number(res.insertId);
      await insertTeamWithOwner(trx, `${input.name}'s team`, id);
      return id;
    });
  } catch (err) {
    if (isDuplicateKey(err)) throw new Conflict('An account with this email already exists.');
    throw err;
  }
  return session(ctx, userId, await issueRefreshToken(ctx.db, userId));
}

export async function login(ctx: AuthCtx, input: LoginBody): Promise<AuthResponse> {
  const user = await ctx.db
    .selectFrom('users')
    .select(['id', 'password_hash'])
    .where('email', '=', input.email)
    .executeTakeFirst();
  const ok = await verifyPassword(input.password, user?.password_hash);
  if (!user || !ok) throw new Unauthorized('Email or password is wrong.');
  return session(ctx, user.id, await issueRefreshToken(ctx.db, user.id));
}

export async function refresh(ctx: AuthCtx, presented: string): Promise<AuthResponse> {
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
  return session(ctx, result.userId, result.token);
}

export async function me(ctx: AuthCtx, userId: number): Promise<MeResponse> {
  return { user: await findUser(ctx.db, userId), teams: await memberships(ctx.db, userId) };
}

export async function updateProfile(ctx: AuthCtx, userId: number, name: string) {
  await ctx.db.updateTable('users').set({ name, updated_at: new Date() }).where('id', '=', userId).execute();
  return findUser(ctx.db, userId);
}

/** Changing the password signs out every other session and starts a fresh one here. */
export async function changePassword(
  ctx: AuthCtx,
  userId: number,
  current: string,
  next: string,
): Promise<AuthResponse> {
  const row = await ctx.db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst();
  if (!row) throw new NotFound('Account');
  if (!(await verifyPassword(current, row.password_hash))) throw new Unauthorized('The current password is wrong.');
  await ctx.db
    .updateTable('users')
    .set({ password_hash: await hashPassword(next), updated_at: new Date() })
    .where('id', '=', userId)
    .execute();
  await revokeAllForUser(ctx.db, userId);
  return session(ctx, userId, await issueRefreshToken(ctx.db, userId));
}
