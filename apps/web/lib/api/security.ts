'use client';
import {
  Accepted,
  AuthResponse,
  LoginResponse,
  RecoveryCodesResponse,
  RevokedCount,
  SessionList,
  TeamSecurity,
  TeamSso,
  type TeamSsoBody,
  TwoFactorSetupResponse,
  type LoginBody,
  type LoginTwoFactorBody,
  type TwoFactorConfirmBody,
} from '@sentrypulse/shared';
import { z } from 'zod';
import { request, requestVoid } from './client';
import { acceptAuthResponse } from './session';

/** Account security: password reset, email verification, 2FA, sessions, a team's 2FA rule. */

export const TeamSecurityView = TeamSecurity.extend({ members_without_2fa: z.number() });

export const securityPaths = {
  sessions: '/api/auth/sessions',
  events: '/api/auth/security-events',
  team: (teamId: number) => `/api/teams/${teamId}/security`,
};

/** Step one: tokens, or (2FA on) the ticket for step two. */
export async function loginStep(body: LoginBody) {
  const res = await request(LoginResponse, '/api/auth/login', { method: 'POST', body, auth: false });
  if ('access_token' in res) acceptAuthResponse(res);
  return res;
}

export async function loginTwoFactor(body: LoginTwoFactorBody) {
  const res = await request(AuthResponse, '/api/auth/login/2fa', { method: 'POST', body, auth: false });
  acceptAuthResponse(res);
  return res;
}

export const requestPasswordReset = (email: string) => request(Accepted, '/api/auth/password-reset', { method: 'POST', body: { email }, auth: false });
export const confirmPasswordReset = (token: string, password: string) =>
  requestVoid('/api/auth/password-reset/confirm', { method: 'POST', body: { token, password }, auth: false });
export const verifyEmail = (token: string) => requestVoid('/api/auth/verify-email', { method: 'POST', body: { token }, auth: false });
export const resendVerification = () => request(Accepted, '/api/auth/verify-email/resend', { method: 'POST', body: {} });
export const changeEmail = (email: string, password: string) => request(Accepted, '/api/auth/email', { method: 'PUT', body: { email, password } });

export const setupTwoFactor = () => request(TwoFactorSetupResponse, '/api/auth/2fa/setup', { method: 'POST', body: {} });
export const enableTwoFactor = (code: string) => request(RecoveryCodesResponse, '/api/auth/2fa/enable', { method: 'POST', body: { code } });
export const disableTwoFactor = (body: TwoFactorConfirmBody) => requestVoid('/api/auth/2fa/disable', { method: 'POST', body });
export const regenerateRecoveryCodes = (body: TwoFactorConfirmBody) => request(RecoveryCodesResponse, '/api/auth/2fa/recovery-codes', { method: 'POST', body });

export const listSessions = () => request(SessionList, securityPaths.sessions);
export const revokeSession = (id: string) => requestVoid(`${securityPaths.sessions}/${id}`, { method: 'DELETE' });
export const revokeOtherSessions = () => request(RevokedCount, `${securityPaths.sessions}/revoke-others`, { method: 'POST', body: {} });

export const setTeamRequire2fa = (teamId: number, on: boolean) => request(TeamSecurityView, securityPaths.team(teamId), { method: 'PUT', body: { require_2fa: on } });

/** The token of a mailed link, which travels in the URL fragment (never sent to a server). */
export function tokenFromHash(): string | null {
  if (typeof window === 'undefined') return null;
  const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  return m ? m[1]! : null;
}

export const ssoPath = (teamId: number) => `/api/teams/${teamId}/sso`;
export const saveTeamSso = (teamId: number, body: TeamSsoBody) => request(TeamSso, ssoPath(teamId), { method: 'PUT', body });
export const removeTeamSso = (teamId: number) => requestVoid(ssoPath(teamId), { method: 'DELETE' });
