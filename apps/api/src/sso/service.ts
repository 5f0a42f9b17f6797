import { decryptSecret, encryptSecret } from '@sentrypulse/db';
import { SSO_REQUIRED, type AuthResponse, type TeamSso, type TeamSsoBody } from '@sentrypulse/shared';
import { randomBytes } from 'node:crypto';
import { hashPassword } from '../auth/passwords';
import { insertUser } from '../auth/queries';
import { issueSession } from '../auth/service';
import { teamScope, userScope, type ServiceContext } from '../context';
import { AppError, BadRequest, Forbidden, isDuplicateKey, NotFound } from '../errors';
import type { ClientInfo } from '../security/client';
import { markEmailVerified } from '../security/queries';
import { logEvent } from '../security/service';
import { assertWithinLimit } from '../teams/limits';
import { countMembers, findMember, insertMember } from '../teams/queries';
import { describeOidcError, discover, finishAuthorization, isOidcError, refusedCause, startAuthorization } from './oidc';
import * as q from './queries';

/** Pending sign-ins (state → nonce, PKCE verifier, team) live in Redis for 10 minutes, used once. */
const STATE_TTL_S = 600;

export class SsoRequired extends AppError {
  constructor(teamId: number, publicUrl: string) {
    super(403, SSO_REQUIRED, 'Single sign-on required', "A team of this account requires single sign-on: sign in through your company's provider.", {
      sso_url: `${publicUrl}/api/auth/sso/${teamId}/start`,
    });
  }
}

export function redirectUri(ctx: ServiceContext): string {
  return `${ctx.config.publicUrl}/api/auth/sso/callback`;
}

function view(ctx: ServiceContext, teamId: number, row: { issuer: string; client_id: string; client_secret_enc: string | null; default_role: 'admin' | 'member'; sso_required: boolean | number; enabled: boolean | number }): TeamSso {
  return {
    issuer: row.issuer,
    client_id: row.client_id,
    client_secret_set: row.client_secret_enc !== null,
    default_role: row.default_role,
    sso_required: Boolean(row.sso_required),
    enabled: Boolean(row.enabled),
    redirect_uri: redirectUri(ctx),
    login_url: `${ctx.config.publicUrl}/api/auth/sso/${teamId}/start`,
  };
}

/** Null while the team has no single sign-on configured. */
export async function getTeamSso(ctx: ServiceContext): Promise<TeamSso | null> {
  const team = teamScope(ctx);
  const row = await q.findTeamSso(ctx.db, team.id);
  if (!row) return null;
  return view(ctx, team.id, row);
}

async function discoverOrExplain(ctx: ServiceContext, issuer: string, clientId: string, clientSecret: string | null) {
  try {
    return await discover({ issuer, clientId, clientSecret, allowPrivate: ctx.config.outboundAllowPrivate });
  } catch (err) {
    const refused = refusedCause(err);
    if (refused) throw new BadRequest(`The issuer cannot be used: ${refused.message}.`);
    throw new BadRequest(`Discovery at ${issuer}/.well-known/openid-configuration failed: ${describeOidcError(err)}`);
  }
}

/** Owners only (`team.security`). The provider is discovered first, so a typo is a 400 now, not at sign-in. */
export async function putTeamSso(ctx: ServiceContext, input: TeamSsoBody, client: ClientInfo): Promise<TeamSso> {
  const team = teamScope(ctx);
  const existing = await q.findTeamSso(ctx.db, team.id);
  const secret =
    input.client_secret === undefined
      ? existing?.client_secret_enc
        ? decryptSecret(ctx.config.encryptionKey, team.id, existing.client_secret_enc)
        : null
      : input.client_secret;
  const issuer = input.issuer.replace(/\/$/, '');
  await discoverOrExplain(ctx, issuer, input.client_id, secret);
  const row = {
    issuer,
    client_id: input.client_id,
    client_secret_enc: secret ? encryptSecret(ctx.config.encryptionKey, team.id, secret) : null,
    default_role: input.default_role,
    sso_required: input.sso_required,
    enabled: input.enabled,
  };
  await q.upsertTeamSso(ctx.db, team.id, row);
  await logEvent(ctx, userScope(ctx), 'team.sso_configured', client, `team ${team.id}`);
  return view(ctx, team.id, row);
}

export async function deleteTeamSso(ctx: ServiceContext, client: ClientInfo): Promise<void> {
  const team = teamScope(ctx);
  if (!(await q.deleteTeamSso(ctx.db, team.id))) throw new NotFound('SSO configuration');
  await logEvent(ctx, userScope(ctx), 'team.sso_removed', client, `team ${team.id}`);
}

async function providerOf(ctx: ServiceContext, teamId: number) {
  const row = await q.findTeamSso(ctx.db, teamId);
  // Unknown team, no configuration and disabled look alike.
  if (!row || !row.enabled) throw new NotFound('Single sign-on for this team');
  const secret = row.client_secret_enc ? decryptSecret(ctx.config.encryptionKey, teamId, row.client_secret_enc) : null;
  return { row, config: await discoverOrExplain(ctx, row.issuer, row.client_id, secret) };
}

const stateKey = (ctx: ServiceContext, state: string) => `${ctx.config.redisPrefix}:sso:state:${state}`;

/** Public: the provider's authorization URL for this team, with state, nonce and PKCE remembered. */
export async function startSso(ctx: ServiceContext, teamId: number): Promise<string> {
  const { config } = await providerOf(ctx, teamId);
  const start = await startAuthorization(config, redirectUri(ctx));
  await ctx.redis.set(stateKey(ctx, start.state), JSON.stringify({ teamId, nonce: start.nonce, codeVerifier: start.codeVerifier }), 'EX', STATE_TTL_S);
  return start.url;
}

/**
 * Public: the provider sent the browser back. Validates state (single-use), exchanges the code
 * with the PKCE verifier, checks the id_token (signature, issuer, audience, expiry, nonce), then
 * links the account by (issuer, subject) or by a verified email, adds a new member with the
 * team's default role, and starts a session.
 */
export async function finishSso(ctx: ServiceContext, callbackUrl: URL, client: ClientInfo): Promise<{ session: AuthResponse; teamId: number }> {
  const state = callbackUrl.searchParams.get('state');
  if (!state || !/^[A-Za-z0-9_-]{1,128}$/.test(state)) throw new BadRequest('The sign-in response has no valid state: start again from the sign-in page.');
  const raw = await ctx.redis.getdel(stateKey(ctx, state));
  if (!raw) throw new BadRequest('The sign-in state is unknown, expired or already used: start again from the sign-in page.');
  const pending = JSON.parse(raw) as { teamId: number; nonce: string; codeVerifier: string };
  const { row, config } = await providerOf(ctx, pending.teamId);

  let identity;
  try {
    identity = await finishAuthorization(config, callbackUrl, { state, nonce: pending.nonce, codeVerifier: pending.codeVerifier });
  } catch (err) {
    if (isOidcError(err) || refusedCause(err)) {
      const why = describeOidcError(err);
      await logEvent(ctx, null, 'sso.failed', client, `team ${pending.teamId}: ${why.slice(0, 120)}`);
      throw new AppError(401, 'sso-failed', 'Single sign-on failed', `The provider's answer did not check out: ${why}`);
    }
    throw err;
  }

  let userId = (await q.findIdentity(ctx.db, identity.issuer, identity.subject))?.user_id ?? null;
  if (userId === null) {
    if (!identity.email || !identity.emailVerified) {
      throw new Forbidden('The provider did not vouch for an email address (email_verified): the account cannot be linked.');
    }
    const existing = await q.findUserByEmail(ctx.db, identity.email);
    if (existing) userId = existing.id;
    else {
      // A new account: verified by the provider, with a random password nobody knows (reset works).
      const passwordHash = await hashPassword(randomBytes(24).toString('base64url'));
      try {
        userId = await insertUser(ctx.db, { name: identity.name ?? identity.email.split('@')[0]!.slice(0, 100), email: identity.email, passwordHash });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        userId = (await q.findUserByEmail(ctx.db, identity.email))!.id;
      }
    }
    if (!existing?.email_verified_at) await markEmailVerified(ctx.db, userId, identity.email);
    try {
      await q.insertIdentity(ctx.db, userId, identity.issuer, identity.subject);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  if (!(await findMember(ctx.db, pending.teamId, userId))) {
    assertWithinLimit(row.plan, 'members', await countMembers(ctx.db, pending.teamId));
    try {
      await insertMember(ctx.db, pending.teamId, userId, row.default_role);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  await logEvent(ctx, userId, 'sso.login', client, `team ${pending.teamId}`);
  return { session: await issueSession(ctx, userId, client), teamId: pending.teamId };
}

/** Password sign-in is refused for members of a team that requires SSO (owners excepted). */
export async function assertPasswordLoginAllowed(ctx: ServiceContext, userId: number): Promise<void> {
  const teams = await q.ssoRequiredTeamsOf(ctx.db, userId);
  if (teams.length) throw new SsoRequired(teams[0]!.team_id, ctx.config.publicUrl);
}
