import {
  Accepted,
  AuthResponse,
  ChangeEmailBody,
  LoginTwoFactorBody,
  PasswordResetBody,
  PasswordResetConfirmBody,
  RecoveryCodesResponse,
  RevokedCount,
  SecurityEventList,
  SessionIdParam,
  SessionList,
  TeamSecurity,
  TeamSecurityBody,
  TeamParams,
  TwoFactorConfirmBody,
  TwoFactorEnableBody,
  TwoFactorSetupResponse,
  VerifyEmailBody,
} from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clientOf, refreshCookieOf, setRefreshCookie } from '../auth/http';
import { contextOf } from '../context';
import { authLimits } from '../plugins/rate-limit';
import { closeAccountMail, settleAccountWork } from './mail';
import * as security from './service';

const tags = ['account security'];
const TeamSecurityResponse = TeamSecurity.extend({ members_without_2fa: z.number().int().nonnegative() });

/**
 * Account security (SPEC 13, SPEC 17): password reset, email verification and change, TOTP,
 * the second login step, sessions, and a team's "require 2FA" switch.
 */
export const securityRoutes: FastifyPluginAsyncZod = async (app) => {
  // Per IP (20/min) and, where the body names an email, per address (10/15 min); the second login
  // step, reset and verify tokens fall back to the IP. Wrong second factors are also counted per
  // account in the service (a delay, never a lock someone else can impose without the password).
  const limits = authLimits(app);
  const perIp = limits.slice(0, 1);

  // Mail goes out after the answer; on shutdown, let what is in flight finish first.
  app.addHook('onClose', async () => {
    await settleAccountWork();
    closeAccountMail();
  });

  app.post(
    '/auth/password-reset',
    {
      config: { public: true },
      preValidation: limits,
      schema: { tags, summary: 'Mail a reset link (same answer, same time, for every address)', body: PasswordResetBody, response: { 202: Accepted } },
    },
    async (req, reply) => reply.code(202).send(security.requestPasswordReset(contextOf(req), req.body.email, clientOf(req))),
  );

  app.post(
    '/auth/password-reset/confirm',
    {
      config: { public: true },
      preValidation: perIp,
      schema: { tags, noContent: true, problems: [410], summary: 'Set a new password with the mailed token; signs out every session', body: PasswordResetConfirmBody },
    },
    async (req, reply) => {
      await security.confirmPasswordReset(contextOf(req), req.body.token, req.body.password, clientOf(req));
      return reply.code(204).send();
    },
  );

  app.post(
    '/auth/verify-email',
    {
      config: { public: true },
      preValidation: perIp,
      schema: { tags, noContent: true, problems: [409, 410], summary: 'Confirm an email address with the mailed token', body: VerifyEmailBody },
    },
    async (req, reply) => {
      await security.verifyEmail(contextOf(req), req.body.token, clientOf(req));
      return reply.code(204).send();
    },
  );

  app.post(
    '/auth/verify-email/resend',
    { schema: { tags, problems: [409], summary: 'Mail a new verification link (3 an hour)', response: { 202: Accepted } } },
    async (req, reply) => reply.code(202).send(await security.resendVerification(contextOf(req))),
  );

  app.put(
    '/auth/email',
    {
      preValidation: perIp,
      schema: { tags, problems: [403, 409], summary: 'Change the email address: takes effect when the new address confirms; the old one is told', body: ChangeEmailBody, response: { 202: Accepted } },
    },
    async (req, reply) => reply.code(202).send(await security.requestEmailChange(contextOf(req), req.body.email, req.body.password, clientOf(req))),
  );

  app.post(
    '/auth/2fa/setup',
    { schema: { tags, problems: [409], summary: 'Start TOTP setup: a new secret and its otpauth URI (pending until enabled)', response: { 200: TwoFactorSetupResponse } } },
    async (req) => security.setupTwoFactor(contextOf(req)),
  );

  app.post(
    '/auth/2fa/enable',
    {
      preValidation: perIp,
      schema: { tags, problems: [409], summary: 'Turn 2FA on with a current code; returns ten single-use recovery codes', body: TwoFactorEnableBody, response: { 200: RecoveryCodesResponse } },
    },
    async (req) => security.enableTwoFactor(contextOf(req), req.body.code, clientOf(req)),
  );

  app.post(
    '/auth/2fa/disable',
    { preValidation: perIp, schema: { tags, noContent: true, problems: [403], summary: 'Turn 2FA off (password and a code)', body: TwoFactorConfirmBody } },
    async (req, reply) => {
      await security.disableTwoFactor(contextOf(req), req.body, clientOf(req));
      return reply.code(204).send();
    },
  );

  app.post(
    '/auth/2fa/recovery-codes',
    {
      preValidation: perIp,
      schema: { tags, summary: 'Replace the recovery codes (password and a code)', body: TwoFactorConfirmBody, response: { 200: RecoveryCodesResponse } },
    },
    async (req) => security.regenerateRecoveryCodes(contextOf(req), req.body, clientOf(req)),
  );

  app.post(
    '/auth/login/2fa',
    {
      config: { public: true },
      preValidation: perIp,
      schema: { tags, problems: [401], summary: 'Second login step: the mfa_token with a TOTP code or a recovery code', body: LoginTwoFactorBody, response: { 200: AuthResponse } },
    },
    async (req, reply) => {
      const res = await security.completeTwoFactorLogin(contextOf(req), req.body, clientOf(req));
      setRefreshCookie(app.config.cookieSecure, reply, res.refresh_token);
      return res;
    },
  );

  app.get(
    '/auth/sessions',
    { schema: { tags, summary: 'Active sessions (one per login) with device, network and last use', response: { 200: SessionList } } },
    async (req) => security.listSessions(contextOf(req), refreshCookieOf(req)),
  );

  app.delete(
    '/auth/sessions/:id',
    { schema: { tags, summary: 'Revoke a session: its refresh token stops working at once', params: SessionIdParam } },
    async (req, reply) => {
      await security.revokeSession(contextOf(req), req.params.id, clientOf(req));
      return reply.code(204).send();
    },
  );

  app.post(
    '/auth/sessions/revoke-others',
    { schema: { tags, problems: [400], summary: 'Revoke every session but this one (the one of the refresh cookie)', response: { 200: RevokedCount } } },
    async (req) => security.revokeOtherSessions(contextOf(req), refreshCookieOf(req), clientOf(req)),
  );

  app.get(
    '/auth/security-events',
    { schema: { tags, summary: "The account's latest 50 security events (failed attempts, changes, sign-ins)", response: { 200: SecurityEventList } } },
    async (req) => security.listSecurityEvents(contextOf(req)),
  );

  app.get(
    '/teams/:teamId/security',
    { config: { permission: 'team.read' }, schema: { tags, summary: "The team's security settings", params: TeamParams, response: { 200: TeamSecurityResponse } } },
    async (req) => security.getTeamSecurity(contextOf(req)),
  );

  app.put(
    '/teams/:teamId/security',
    {
      config: { permission: 'team.security' },
      schema: { tags, problems: [409], summary: 'Require 2FA of every member (owners only)', params: TeamParams, body: TeamSecurityBody, response: { 200: TeamSecurityResponse } },
    },
    async (req) => security.updateTeamSecurity(contextOf(req), req.body.require_2fa, clientOf(req)),
  );
};
