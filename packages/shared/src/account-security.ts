import { z } from 'zod';
import { Email, IsoDateTime, Password } from './common';
import { AuthResponse } from './auth';

/**
 * Account security (SPEC 13, contract in SPEC 17): password reset, email verification, TOTP
 * two-factor with recovery codes, sessions, a team's "require 2FA" setting.
 */

/** Opaque single-use tokens from mailed links (43 base64url characters when minted here). */
const LinkToken = z.string().min(16, 'is not a valid token').max(128, 'is not a valid token').regex(/^[A-Za-z0-9_-]+$/, 'is not a valid token');

export const PasswordResetBody = z.strictObject({ email: Email });
export type PasswordResetBody = z.infer<typeof PasswordResetBody>;

export const PasswordResetConfirmBody = z.strictObject({ token: LinkToken, password: Password });
export type PasswordResetConfirmBody = z.infer<typeof PasswordResetConfirmBody>;

export const VerifyEmailBody = z.strictObject({ token: LinkToken });
export type VerifyEmailBody = z.infer<typeof VerifyEmailBody>;

/** Changing the address needs the password; the change takes effect when the new address confirms. */
export const ChangeEmailBody = z.strictObject({ email: Email, password: z.string().min(1, 'must not be empty').max(1024) });
export type ChangeEmailBody = z.infer<typeof ChangeEmailBody>;

/** What a 202 says, the same whatever the address: nothing reveals whether an account exists. */
export const Accepted = z.object({ accepted: z.literal(true), detail: z.string() });
export type Accepted = z.infer<typeof Accepted>;

export const TotpCode = z.string().trim().regex(/^\d{6}$/, 'must be the 6-digit code from the authenticator app');
/** Recovery codes are shown as xxxxx-xxxxx; case and the dash are ignored when they come back. */
export const RecoveryCode = z
  .string()
  .trim()
  .transform((s) => s.toLowerCase().replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^[a-z0-9]{10}$/, 'must be a recovery code like abcde-12345'));

export const TwoFactorSetupResponse = z.object({
  secret: z.string().describe('Base32 TOTP secret, for manual entry'),
  otpauth_url: z.string().describe('otpauth://totp/... URI for the QR code'),
});
export type TwoFactorSetupResponse = z.infer<typeof TwoFactorSetupResponse>;

export const TwoFactorEnableBody = z.strictObject({ code: TotpCode });
export type TwoFactorEnableBody = z.infer<typeof TwoFactorEnableBody>;

export const RecoveryCodesResponse = z.object({ recovery_codes: z.array(z.string()).length(10) });
export type RecoveryCodesResponse = z.infer<typeof RecoveryCodesResponse>;

/** Disabling 2FA or making new recovery codes: the password and a current code (TOTP or recovery). */
export const TwoFactorConfirmBody = z
  .strictObject({ password: z.string().min(1, 'must not be empty').max(1024), code: TotpCode.optional(), recovery_code: RecoveryCode.optional() })
  .refine((b) => (b.code === undefined) !== (b.recovery_code === undefined), { message: 'send exactly one of code or recovery_code', path: ['code'] });
export type TwoFactorConfirmBody = z.infer<typeof TwoFactorConfirmBody>;

export const MfaRequiredResponse = z.object({
  mfa_required: z.literal(true),
  mfa_token: z.string().describe('short-lived (5 min), single-use; send it to POST /api/auth/login/2fa'),
});
export type MfaRequiredResponse = z.infer<typeof MfaRequiredResponse>;

/** `POST /api/auth/login`: the token pair, or the second step when the account has 2FA. */
export const LoginResponse = z.union([AuthResponse, MfaRequiredResponse]);
export type LoginResponse = z.infer<typeof LoginResponse>;

export const LoginTwoFactorBody = z
  .strictObject({ mfa_token: LinkToken, code: TotpCode.optional(), recovery_code: RecoveryCode.optional() })
  .refine((b) => (b.code === undefined) !== (b.recovery_code === undefined), { message: 'send exactly one of code or recovery_code', path: ['code'] });
export type LoginTwoFactorBody = z.infer<typeof LoginTwoFactorBody>;

export const Session = z.object({
  id: z.string().describe('the session (refresh-token family) id'),
  device: z.string().describe('browser and OS parsed from the user agent'),
  user_agent: z.string().nullable(),
  ip: z.string().nullable().describe('truncated: /24 for IPv4, /48 for IPv6'),
  created_at: IsoDateTime,
  last_used_at: IsoDateTime,
  current: z.boolean().describe('the session of the refresh cookie this request carried'),
});
export type Session = z.infer<typeof Session>;

export const SessionList = z.object({ items: z.array(Session) });
export type SessionList = z.infer<typeof SessionList>;

export const SessionIdParam = z.object({ id: z.string().regex(/^[0-9a-f]{32}$/, 'is not a session id') });

export const RevokedCount = z.object({ revoked: z.number().int().nonnegative() });

export const TeamSecurity = z.object({ require_2fa: z.boolean() });
export type TeamSecurity = z.infer<typeof TeamSecurity>;
export const TeamSecurityBody = z.strictObject({ require_2fa: z.boolean() });
export type TeamSecurityBody = z.infer<typeof TeamSecurityBody>;

/** The problem type a team route answers when the team requires 2FA and the caller has none. */
export const MFA_SETUP_REQUIRED = 'mfa-setup-required';

/** Single sign-on with OpenID Connect, per team (owners configure it). */
export const TeamSsoBody = z.strictObject({
  issuer: z.url({ protocol: /^https?$/, error: 'must be the http(s) URL of the OpenID provider (its issuer)' }).max(512),
  client_id: z.string().trim().min(1, 'must not be empty').max(255),
  /** Omit to keep the stored secret; null for a public client. */
  client_secret: z.string().min(1).max(1024).nullable().optional(),
  default_role: z.enum(['admin', 'member']).default('member'),
  sso_required: z.boolean().default(false),
  enabled: z.boolean().default(true),
});
export type TeamSsoBody = z.infer<typeof TeamSsoBody>;

export const TeamSso = z.object({
  issuer: z.string(),
  client_id: z.string(),
  client_secret_set: z.boolean().describe('the secret itself is never returned'),
  default_role: z.enum(['admin', 'member']),
  sso_required: z.boolean(),
  enabled: z.boolean(),
  redirect_uri: z.string().describe('register this at the provider'),
  login_url: z.string().describe("the team's sign-in link to hand to members"),
});
export type TeamSso = z.infer<typeof TeamSso>;

/** The problem type of a password login refused because a team of the account requires SSO. */
export const SSO_REQUIRED = 'sso-required';

/** The account's own security log (failed attempts, 2FA and password changes, SSO sign-ins). */
export const SecurityEvent = z.object({ id: z.number(), event: z.string(), ip: z.string().nullable(), detail: z.string().nullable(), created_at: IsoDateTime });
export const SecurityEventList = z.object({ items: z.array(SecurityEvent) });
export type SecurityEventList = z.infer<typeof SecurityEventList>;
