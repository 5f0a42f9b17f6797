import { z } from 'zod';
import { DisplayName, Email, Id, Password } from './common';
import { Plan } from './plans';
import { Role } from './roles';

export const RegisterBody = z.strictObject({ name: DisplayName, email: Email, password: Password });
export type RegisterBody = z.infer<typeof RegisterBody>;

export const LoginBody = z.strictObject({
  email: Email,
  password: z.string().min(1, 'must not be empty').max(1024),
});
export type LoginBody = z.infer<typeof LoginBody>;

/** The refresh token may come in the body (scripts) or from the httpOnly cookie (browser). */
export const RefreshBody = z.strictObject({ refresh_token: z.string().min(1).max(512).optional() });
export type RefreshBody = z.infer<typeof RefreshBody>;

export const LogoutBody = z.strictObject({
  refresh_token: z.string().min(1).max(512).optional(),
  everywhere: z.boolean().optional(),
});
export type LogoutBody = z.infer<typeof LogoutBody>;

export const ChangePasswordBody = z.strictObject({ current_password: z.string().min(1).max(1024), new_password: Password });
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

export const UpdateProfileBody = z.strictObject({ name: DisplayName });

export const User = z.object({
  id: Id,
  name: z.string(),
  email: z.string(),
  email_verified: z.boolean(),
  two_factor_enabled: z.boolean(),
});
export type User = z.infer<typeof User>;

export const TeamMembership = z.object({ id: Id, name: z.string(), role: Role, plan: Plan });
export type TeamMembership = z.infer<typeof TeamMembership>;

export const AuthResponse = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  expires_in: z.number().int().describe('access token lifetime in seconds'),
  user: User,
  team: TeamMembership.nullable(),
});
export type AuthResponse = z.infer<typeof AuthResponse>;

export const MeResponse = z.object({ user: User, teams: z.array(TeamMembership) });
export type MeResponse = z.infer<typeof MeResponse>;
