import { z } from 'zod';
import { Id, IdParam } from './common';
import { Permission } from './roles';

/**
 * What a team API token may be granted (SPEC 12, ADR 0160): reading and writing the product's
 * resources. Never the team itself, its members, its plan or its tokens (those need a user).
 */
export const TOKEN_SCOPES = [
  'team.read',
  'members.read',
  'monitors.read',
  'monitors.write',
  'incidents.read',
  'incidents.write',
  'incidents.respond',
  'channels.read',
  'channels.write',
  'status_pages.read',
  'status_pages.write',
  'sites.read',
  'sites.write',
] as const satisfies readonly Permission[];

export const ApiTokenScope = z.enum(TOKEN_SCOPES);

export const CreateApiTokenBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(ApiTokenScope).min(1).max(TOKEN_SCOPES.length),
  expires_at: z.string().datetime({ offset: true }).optional(),
});
export type CreateApiTokenBody = z.infer<typeof CreateApiTokenBody>;

export const ApiToken = z.object({
  id: Id,
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  last_used_at: z.string().nullable(),
  expires_at: z.string().nullable(),
  created_at: z.string(),
});
export type ApiToken = z.infer<typeof ApiToken>;

/** The create answer: the only time the secret is shown. */
export const CreatedApiToken = ApiToken.extend({ token: z.string() });
export type CreatedApiToken = z.infer<typeof CreatedApiToken>;

export const ApiTokenList = z.object({ items: z.array(ApiToken) });
export const ApiTokenParams = z.strictObject({ teamId: IdParam, tokenId: IdParam });
