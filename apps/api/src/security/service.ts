import { decryptUserSecret, encryptUserSecret, transactionWithRetry } from '@sentrypulse/db';
import type {
  Accepted,
  AuthResponse,
  LoginTwoFactorBody,
  MfaRequiredResponse,
  RecoveryCodesResponse,
  SecurityEventList,
  Session,
  TeamSecurity,
  TwoFactorConfirmBody,
  TwoFactorSetupResponse,
} from '@sentrypulse/shared';
import { issueSession } from '../auth/service';
import { hashPassword, verifyPassword } from '../auth/passwords';
import { issueRefreshToken } from '../auth/refresh-tokens';
import { hashToken, newFamilyId, newOpaqueToken } from '../auth/tokens';
import { teamScope, userScope, type ServiceContext } from '../context';
import { BadRequest, Conflict, Forbidden, Gone, NotFound, Unauthorized } from '../errors';
import { describeDevice, truncateIp, type ClientInfo } from './client';
import { TooManyAttempts } from './errors';
import { afterResponse, sendAccountMail } from './mail';
import * as q from './queries';
import { checkTotp, hashRecoveryCode, newRecoveryCodes, newTotpSecret, otpauthUrl } from './totp';

const MINUTE = 60_000;
export const RESET_TTL_MS = 60 * MINUTE;
export const VERIFY_TTL_MS = 24 * 60 * MINUTE;
export const MFA_TOKEN_TTL_MS = 5 * MINUTE;
/** Wrong second factors per account before a pause (per IP is the route's limit). */
export const MFA_MAX_FAILURES = 5;
const MFA_FAILURE_WINDOW_S = 15 * 60;
/** Verification mails per account per hour. */
export const RESEND_MAX = 3;
const RESEND_WINDOW_S = 60 * 60;

// ---------------------------------------------------------------- sessions

/** Starts a session (one refresh-token family) for a login from `client`; returns its first token. */
export async function startSession(ctx: ServiceContext, userId: number, client: ClientInfo): Promise<string> {
  const familyId = newFamilyId();
  await q.insertSession(ctx.db, {
    familyId,
    userId,
    userAgent: client.userAgent?.slice(0, 512) ?? null,
    device: describeDevice(client.userAgent),
    ip: truncateIp(client.ip),
  });
  return issueRefreshToken(ctx.db, userId, familyId);
}

export async function touchSession(ctx: ServiceContext, familyId: string): Promise<void> {
  await q.touchSession(ctx.db, familyId);
}

async function currentFamily(ctx: ServiceContext, userId: number, presentedRefresh: string | undefined): Promise<string | null> {
  if (!presentedRefresh) return null;
  const row = await q.findFamilyOfToken(ctx.db, hashToken(presentedRefresh));
  return row && row.user_id === userId ? row.family_id : null;
}

export async function listSessions(ctx: ServiceContext, presentedRefresh: string | undefined): Promise<{ items: Session[] }> {
  const userId = userScope(ctx);
  const current = await currentFamily(ctx, userId, presentedRefresh);
  const rows = await q.listActiveSessions(ctx.db, userId);
  return {
    items: rows.map((r) => ({
      id: r.family_id,
      device: r.device,
      user_agent: r.user_agent,
      ip: r.ip,
      created_at: r.created_at.toISOString(),
      last_used_at: r.last_used_at.toISOString(),
      current: r.family_id === current,
    })),
  };
}

/** Revokes one of the caller's sessions; its refresh token stops working at once. */
export async function revokeSession(ctx: ServiceContext, sessionId: string, client: ClientInfo): Promise<void> {
  const userId = userScope(ctx);
  const n = await q.revokeSessions(ctx.db, userId, [sessionId]);
  if (n === 0) throw new NotFound('Session');
  await logEvent(ctx, userId, 'session.revoked', client);
}

/** Signs out every session but the one whose refresh cookie came with the request. */
export async function revokeOtherSessions(ctx: ServiceContext, presentedRefresh: string | undefined, client: ClientInfo): Promise<{ revoked: number }> {
  const userId = userScope(ctx);
  const current = await currentFamily(ctx, userId, presentedRefresh);
  if (!current) throw new BadRequest('Which session is this one? Send the request with the session cookie (or refresh_token).');
  const revoked = await q.revokeSessions(ctx.db, userId, 'all', current);
  await logEvent(ctx, userId, 'session.revoked_others', client, `${revoked}`);
  return { revoked };
}

// ---------------------------------------------------------------- security log

/** Account events and failed attempts (SPEC 13), for the audit log to adopt. Never holds a secret. */
export async function logEvent(ctx: ServiceContext, userId: number | null, event: string, client: ClientInfo, detail: string | null = null): Promise<void> {
  await q.insertSecurityEvent(ctx.db, { userId, event, ip: truncateIp(client.ip), detail });
}

/** The caller's latest 50 security events (their own account only). */
export async function listSecurityEvents(ctx: ServiceContext): Promise<SecurityEventList> {
  const rows = await q.listSecurityEvents(ctx.db, userScope(ctx), 50);
  return { items: rows.map((r) => ({ id: Number(r.id), event: r.event, ip: r.ip, detail: r.detail, created_at: r.created_at.toISOString() })) };
}

// ---------------------------------------------------------------- password reset

function link(ctx: ServiceContext, path: string, token: string): string {
  // The token travels in the fragment: browsers never send it to a server or in a Referer.
  return `${ctx.config.publicUrl}${path}#token=${token}`;
}

const RESET_ACCEPTED: Accepted = {
  accepted: true,
  detail: 'If an account uses this address, a reset link valid for one hour is on its way.',
};

/**
 * Answers at once and the same for every address: the lookup, the token and the mail happen
 * after the answer (afterResponse), so neither the body nor the time says whether the account
 * exists.
 */
export function requestPasswordReset(ctx: ServiceContext, email: string, client: ClientInfo): Accepted {
  afterResponse(ctx.log, 'password-reset', async () => {
    const user = await q.findAccount(ctx.db, { email });
    if (!user) return;
    const token = newOpaqueToken();
    await q.expireAccountTokens(ctx.db, user.id, 'password_reset');
    await q.insertAccountToken(ctx.db, { userId: user.id, purpose: 'password_reset', tokenHash: hashToken(token), email: null, expiresAt: new Date(Date.now() + RESET_TTL_MS) });
    await logEvent(ctx, user.id, 'password_reset.requested', client);
    await sendAccountMail(ctx.config, ctx.log, {
      to: user.email,
      subject: 'Reset your SentryPulse password',
      text: [
        `Hello ${user.name},`,
        '',
        'Someone (hopefully you) asked to reset the password of your SentryPulse account.',
        `Choose a new password here (the link works once, for one hour):`,
        '',
        link(ctx, '/reset-password', token),
        '',
        'If it was not you, ignore this message: your password stays as it is.',
      ].join('\n'),
    });
  });
  return RESET_ACCEPTED;
}

/** The token is the credential: unknown and tampered look alike (400); used or expired are 410. */
async function redeemToken(ctx: ServiceContext, purpose: 'password_reset' | 'verify_email', token: string, what: string, client: ClientInfo) {
  const row = await q.findAccountToken(ctx.db, purpose, hashToken(token));
  if (!row) {
    // Guessing tokens is hopeless (256 bits), but the attempts are worth seeing (per IP).
    await logEvent(ctx, null, `${purpose}.bad_token`, client);
    throw new BadRequest(`This ${what} is not valid.`);
  }
  if (row.used_at) throw new Gone(`This ${what} was already used.`);
  if (row.expires_at.getTime() <= Date.now()) throw new Gone(`This ${what} has expired; ask for a new one.`);
  return row;
}

/** Sets the new password, signs out every session, and tells the owner. */
export async function confirmPasswordReset(ctx: ServiceContext, token: string, password: string, client: ClientInfo): Promise<void> {
  const row = await redeemToken(ctx, 'password_reset', token, 'reset link', client);
  const passwordHash = await hashPassword(password);
  const user = await transactionWithRetry(ctx.db, async (trx) => {
    if (!(await q.claimAccountToken(trx, row.id))) throw new Gone('This reset link was already used.');
    const account = await q.findAccount(trx, { id: row.user_id });
    if (!account) throw new BadRequest('This reset link is not valid.');
    await q.setPassword(trx, account.id, passwordHash);
    // The link reached this mailbox: that proves the address as well as a verification link.
    if (!account.email_verified_at) await q.markEmailVerified(trx, account.id, account.email);
    await q.revokeSessions(trx, account.id, 'all');
    return account;
  });
  await logEvent(ctx, user.id, 'password_reset.completed', client);
  notifyPasswordChanged(ctx, user.email, user.name, client);
}

export function notifyPasswordChanged(ctx: ServiceContext, to: string, name: string, client: ClientInfo): void {
  afterResponse(ctx.log, 'password-changed-notice', () =>
    sendAccountMail(ctx.config, ctx.log, {
      to,
      subject: 'Your SentryPulse password was changed',
      text: [
        `Hello ${name},`,
        '',
        `The password of your SentryPulse account was changed just now (${describeDevice(client.userAgent)}, network ${truncateIp(client.ip) ?? 'unknown'}).`,
        'Every session was signed out.',
        '',
        `If this was not you, reset your password at once: ${ctx.config.publicUrl}/forgot-password`,
      ].join('\n'),
    }),
  );
}

// ---------------------------------------------------------------- email verification

/** Mails a verification link for `email` (the account's address, or the new one on a change). */
export async function sendVerification(ctx: ServiceContext, user: { id: number; name: string }, email: string): Promise<void> {
  const token = newOpaqueToken();
  await q.expireAccountTokens(ctx.db, user.id, 'verify_email');
  await q.insertAccountToken(ctx.db, { userId: user.id, purpose: 'verify_email', tokenHash: hashToken(token), email, expiresAt: new Date(Date.now() + VERIFY_TTL_MS) });
  afterResponse(ctx.log, 'verify-email', () =>
    sendAccountMail(ctx.config, ctx.log, {
      to: email,
      subject: 'Confirm your email address for SentryPulse',
      text: [
        `Hello ${user.name},`,
        '',
        `Confirm that ${email} is yours (the link works once, for 24 hours):`,
        '',
        link(ctx, '/verify-email', token),
        '',
        'Until it is confirmed, this address receives no alert emails and cannot accept team invitations.',
      ].join('\n'),
    }),
  );
}

/** A counter per key in Redis over a fixed window; returns the seconds to wait when over `max`. */
async function overLimit(ctx: ServiceContext, key: string, max: number, windowSeconds: number): Promise<number | null> {
  const k = `${ctx.config.redisPrefix}:sec:${key}`;
  const n = await ctx.redis.incr(k);
  if (n === 1) await ctx.redis.expire(k, windowSeconds);
  if (n <= max) return null;
  const ttl = await ctx.redis.ttl(k);
  return ttl > 0 ? ttl : windowSeconds;
}

export async function resendVerification(ctx: ServiceContext): Promise<Accepted> {
  const userId = userScope(ctx);
  const user = await q.findAccount(ctx.db, { id: userId });
  if (!user) throw new Unauthorized('The account no longer exists.');
  if (user.email_verified_at) throw new Conflict('This email address is already verified.');
  const wait = await overLimit(ctx, `resend:${userId}`, RESEND_MAX, RESEND_WINDOW_S);
  if (wait !== null) throw new TooManyAttempts(`At most ${RESEND_MAX} verification emails an hour; retry in ${wait} s.`, wait);
  await sendVerification(ctx, user, user.email);
  return { accepted: true, detail: `A new verification link is on its way to ${user.email}.` };
}

/** Public (the link may be opened signed out): proves the address; on a change, switches to it. */
export async function verifyEmail(ctx: ServiceContext, token: string, client: ClientInfo): Promise<void> {
  const row = await redeemToken(ctx, 'verify_email', token, 'verification link', client);
  const user = await q.findAccount(ctx.db, { id: row.user_id });
  if (!user || !row.email) throw new BadRequest('This verification link is not valid.');
  const changing = row.email !== user.email;
  if (changing && (await q.emailTaken(ctx.db, row.email, user.id))) throw new Conflict('Another account already uses this email address.');
  await transactionWithRetry(ctx.db, async (trx) => {
    if (!(await q.claimAccountToken(trx, row.id))) throw new Gone('This verification link was already used.');
    await q.markEmailVerified(trx, user.id, row.email!);
  });
  await logEvent(ctx, user.id, changing ? 'email.changed' : 'email.verified', client);
  if (changing) {
    afterResponse(ctx.log, 'email-changed-notice', () =>
      sendAccountMail(ctx.config, ctx.log, {
        to: user.email,
        subject: 'Your SentryPulse email address was changed',
        text: [
          `Hello ${user.name},`,
          '',
          `Your SentryPulse account now uses ${row.email} instead of this address.`,
          `If this was not you, reset your password from ${ctx.config.publicUrl}/forgot-password and contact your team's owner.`,
        ].join('\n'),
      }),
    );
  }
}

async function checkPassword(ctx: ServiceContext, userId: number, password: string) {
  const user = await q.findAccount(ctx.db, { id: userId });
  if (!user) throw new Unauthorized('The account no longer exists.');
  if (!(await verifyPassword(password, user.password_hash))) throw new Forbidden('The password is wrong.');
  return user;
}

/** The address changes only when the new one confirms; the old one is told now. */
export async function requestEmailChange(ctx: ServiceContext, email: string, password: string, client: ClientInfo): Promise<Accepted> {
  const userId = userScope(ctx);
  const user = await checkPassword(ctx, userId, password);
  if (email === user.email) throw new BadRequest('This is already your email address.');
  if (await q.emailTaken(ctx.db, email, userId)) throw new Conflict('Another account already uses this email address.');
  await sendVerification(ctx, user, email);
  await logEvent(ctx, userId, 'email.change_requested', client);
  afterResponse(ctx.log, 'email-change-notice', () =>
    sendAccountMail(ctx.config, ctx.log, {
      to: user.email,
      subject: 'A change of your SentryPulse email address was requested',
      text: [
        `Hello ${user.name},`,
        '',
        `Someone signed in to your account asked to change its email address to ${email}.`,
        'The change happens only when that address confirms it.',
        `If this was not you, change your password now: ${ctx.config.publicUrl}/forgot-password`,
      ].join('\n'),
    }),
  );
  return { accepted: true, detail: `A confirmation link is on its way to ${email}; the address changes once it is used.` };
}

// ---------------------------------------------------------------- TOTP and recovery codes

function totpSecretOf(ctx: ServiceContext, user: { id: number; totp_secret_enc: string | null }): string {
  if (!user.totp_secret_enc) throw new Error(`user ${user.id} has no TOTP secret`);
  return decryptUserSecret(ctx.config.encryptionKey, user.id, user.totp_secret_enc);
}

/** A new secret, pending until `enableTwoFactor` sees a valid code from it. */
export async function setupTwoFactor(ctx: ServiceContext): Promise<TwoFactorSetupResponse> {
  const userId = userScope(ctx);
  const user = await q.findAccount(ctx.db, { id: userId });
  if (!user) throw new Unauthorized('The account no longer exists.');
  if (user.totp_enabled_at) throw new Conflict('Two-factor authentication is already on; turn it off first to set up a new authenticator.');
  const secret = newTotpSecret();
  await q.setPendingTotp(ctx.db, userId, encryptUserSecret(ctx.config.encryptionKey, userId, secret));
  return { secret, otpauth_url: otpauthUrl(secret, user.email) };
}

async function storeRecoveryCodes(ctx: ServiceContext, userId: number): Promise<RecoveryCodesResponse> {
  const codes = newRecoveryCodes(10);
  await q.replaceRecoveryCodes(ctx.db, userId, codes.map(hashRecoveryCode));
  return { recovery_codes: codes };
}

export async function enableTwoFactor(ctx: ServiceContext, code: string, client: ClientInfo): Promise<RecoveryCodesResponse> {
  const userId = userScope(ctx);
  const user = await q.findAccount(ctx.db, { id: userId });
  if (!user) throw new Unauthorized('The account no longer exists.');
  if (user.totp_enabled_at) throw new Conflict('Two-factor authentication is already on.');
  if (!user.totp_secret_enc) throw new Conflict('Start with POST /api/auth/2fa/setup.');
  await attemptGate(ctx, userId);
  const step = await checkTotp(totpSecretOf(ctx, user), code, null);
  if (step === null) {
    await failedAttempt(ctx, userId, 'mfa.enable_failed', client);
    throw new BadRequest('The code is wrong or has expired: enter the current code from the authenticator app.');
  }
  if (!(await q.enableTotp(ctx.db, userId, step))) throw new Conflict('Two-factor authentication is already on.');
  const codes = await storeRecoveryCodes(ctx, userId);
  await logEvent(ctx, userId, 'mfa.enabled', client);
  return codes;
}

/** Pauses an account's second-factor attempts after MFA_MAX_FAILURES wrong ones (a delay, not a lock). */
async function attemptGate(ctx: ServiceContext, userId: number): Promise<void> {
  const k = `${ctx.config.redisPrefix}:sec:mfa-fail:${userId}`;
  const n = Number((await ctx.redis.get(k)) ?? 0);
  if (n >= MFA_MAX_FAILURES) {
    const ttl = await ctx.redis.ttl(k);
    throw new TooManyAttempts(`Too many wrong codes; retry in ${ttl > 0 ? ttl : MFA_FAILURE_WINDOW_S} s.`, ttl > 0 ? ttl : MFA_FAILURE_WINDOW_S);
  }
}

async function failedAttempt(ctx: ServiceContext, userId: number, event: string, client: ClientInfo): Promise<void> {
  const k = `${ctx.config.redisPrefix}:sec:mfa-fail:${userId}`;
  const n = await ctx.redis.incr(k);
  if (n === 1) await ctx.redis.expire(k, MFA_FAILURE_WINDOW_S);
  await logEvent(ctx, userId, event, client);
}

/** Checks (and consumes) a TOTP code or a recovery code of an account with 2FA on. */
async function consumeSecondFactor(
  ctx: ServiceContext,
  user: { id: number; totp_secret_enc: string | null; totp_last_step: number | null },
  factor: { code?: string | undefined; recovery_code?: string | undefined },
  client: ClientInfo,
): Promise<boolean> {
  await attemptGate(ctx, user.id);
  let ok = false;
  if (factor.code !== undefined) {
    const step = await checkTotp(totpSecretOf(ctx, user), factor.code, user.totp_last_step);
    ok = step !== null && (await q.claimTotpStep(ctx.db, user.id, step));
  } else if (factor.recovery_code !== undefined) {
    ok = await q.useRecoveryCode(ctx.db, user.id, hashRecoveryCode(factor.recovery_code));
    if (ok) await logEvent(ctx, user.id, 'mfa.recovery_code_used', client, `${await q.countUnusedRecoveryCodes(ctx.db, user.id)} left`);
  }
  if (!ok) await failedAttempt(ctx, user.id, factor.code !== undefined ? 'mfa.code_failed' : 'mfa.recovery_code_failed', client);
  return ok;
}

const WRONG_FACTOR = 'The code is wrong, expired or already used.';

export async function disableTwoFactor(ctx: ServiceContext, body: TwoFactorConfirmBody, client: ClientInfo): Promise<void> {
  const userId = userScope(ctx);
  const user = await checkPassword(ctx, userId, body.password);
  if (!user.totp_enabled_at) throw new Conflict('Two-factor authentication is not on.');
  if (!(await consumeSecondFactor(ctx, user, body, client))) throw new BadRequest(WRONG_FACTOR);
  await q.disableTotp(ctx.db, userId);
  await logEvent(ctx, userId, 'mfa.disabled', client);
  afterResponse(ctx.log, 'mfa-disabled-notice', () =>
    sendAccountMail(ctx.config, ctx.log, {
      to: user.email,
      subject: 'Two-factor authentication was turned off',
      text: `Hello ${user.name},\n\nTwo-factor authentication was turned off for your SentryPulse account just now.\nIf this was not you, reset your password at once: ${ctx.config.publicUrl}/forgot-password`,
    }),
  );
}

export async function regenerateRecoveryCodes(ctx: ServiceContext, body: TwoFactorConfirmBody, client: ClientInfo): Promise<RecoveryCodesResponse> {
  const userId = userScope(ctx);
  const user = await checkPassword(ctx, userId, body.password);
  if (!user.totp_enabled_at) throw new Conflict('Two-factor authentication is not on.');
  if (!(await consumeSecondFactor(ctx, user, body, client))) throw new BadRequest(WRONG_FACTOR);
  const codes = await storeRecoveryCodes(ctx, userId);
  await logEvent(ctx, userId, 'mfa.recovery_codes_regenerated', client);
  return codes;
}

// ---------------------------------------------------------------- two-step login

/** The first step's answer for an account with 2FA: a short-lived, single-use ticket. */
export async function mfaChallenge(ctx: ServiceContext, userId: number): Promise<MfaRequiredResponse> {
  const token = newOpaqueToken();
  await q.insertAccountToken(ctx.db, { userId, purpose: 'mfa', tokenHash: hashToken(token), email: null, expiresAt: new Date(Date.now() + MFA_TOKEN_TTL_MS) });
  return { mfa_required: true, mfa_token: token };
}

export async function completeTwoFactorLogin(ctx: ServiceContext, body: LoginTwoFactorBody, client: ClientInfo): Promise<AuthResponse> {
  const row = await q.findAccountToken(ctx.db, 'mfa', hashToken(body.mfa_token));
  if (!row) throw new Unauthorized('The sign-in step is not valid: log in again.');
  if (row.used_at) throw new Unauthorized('The sign-in step was already used: log in again.');
  if (row.expires_at.getTime() <= Date.now()) throw new Unauthorized('The sign-in step has expired: log in again.');
  const user = await q.findAccount(ctx.db, { id: row.user_id });
  if (!user || !user.totp_enabled_at) throw new Unauthorized('The sign-in step is not valid: log in again.');
  if (!(await consumeSecondFactor(ctx, user, body, client))) throw new Unauthorized(WRONG_FACTOR);
  if (!(await q.claimAccountToken(ctx.db, row.id))) throw new Unauthorized('The sign-in step was already used: log in again.');
  await ctx.redis.del(`${ctx.config.redisPrefix}:sec:mfa-fail:${user.id}`);
  return issueSession(ctx, user.id, client);
}

// ---------------------------------------------------------------- team setting

export async function getTeamSecurity(ctx: ServiceContext): Promise<TeamSecurity & { members_without_2fa: number }> {
  const team = teamScope(ctx);
  const row = await q.findTeamSecurity(ctx.db, team.id);
  if (!row) throw new NotFound('Team');
  const without = await q.membersWithout2fa(ctx.db, team.id);
  return { require_2fa: Boolean(row.require_2fa), members_without_2fa: without.length };
}

/** Owners only (`team.security`); the owner must have 2FA on before requiring it of others. */
export async function updateTeamSecurity(ctx: ServiceContext, requireTwoFactor: boolean, client: ClientInfo) {
  const team = teamScope(ctx);
  const userId = userScope(ctx);
  if (requireTwoFactor) {
    const me = await q.findAccount(ctx.db, { id: userId });
    if (!me?.totp_enabled_at) throw new Conflict('Turn on two-factor authentication for your own account before requiring it of the team.');
  }
  await q.setTeamRequire2fa(ctx.db, team.id, requireTwoFactor);
  await logEvent(ctx, userId, requireTwoFactor ? 'team.require_2fa_on' : 'team.require_2fa_off', client, `team ${team.id}`);
  return getTeamSecurity(ctx);
}
