import type { Db } from '@sentrypulse/db';
import type { Permission, Plan } from '@sentrypulse/shared';
import { Forbidden, NotFound, Unauthorized } from '../errors';
import type { TeamContext } from '../types';
import { findTokenByHash, touchTokens } from './queries';
import { hashToken, sameHash, TOKEN_PATTERN } from './secret';

export const INVALID_TOKEN = 'The API token is invalid, expired or revoked.';

export interface TokenPrincipal {
  tokenId: number;
  tokenName: string;
  /** The user who created the token: services that record an author see this user. */
  userId: number;
  team: TeamContext;
}

/**
 * Authenticates `Bearer sp_…` on a team route (ADR 0160). One indexed read per request (no cache),
 * so a revocation holds at once on every API process. Every refusal of the secret itself is the
 * same 401 (malformed, unknown, expired, revoked: nothing to enumerate); a valid token on another
 * team answers 404 like a stranger's JWT; a scope the token lacks answers 403.
 */
export async function authenticateApiToken(db: Db, token: string, teamId: number, permission: Permission, usage: UsageRecorder): Promise<TokenPrincipal> {
  if (!TOKEN_PATTERN.test(token)) throw new Unauthorized(INVALID_TOKEN);
  const hash = hashToken(token);
  const row = await findTokenByHash(db, hash);
  if (!row || !sameHash(Buffer.from(row.token_hash), hash)) throw new Unauthorized(INVALID_TOKEN);
  if (row.revoked_at || (row.expires_at && row.expires_at.getTime() <= Date.now())) throw new Unauthorized(INVALID_TOKEN);
  if (row.team_id !== teamId) throw new NotFound('Team');
  if (!row.scopes.includes(permission)) throw new Forbidden(`This API token does not hold ${permission}.`);
  usage.record(row.id);
  // The token's scopes were checked above; `role` is what services see for role-dependent rules
  // (assigning roles, owner-only actions), which need permissions no token can hold.
  return { tokenId: row.id, tokenName: row.name, userId: row.created_by, team: { id: row.team_id, role: 'admin', plan: row.plan as Plan, ownerId: row.owner_id } };
}

/** `last_used_at`, batched: the latest use per token, written every `intervalMs` and on close. */
export class UsageRecorder {
  private pending = new Map<number, Date>();
  private timer: NodeJS.Timeout;

  constructor(
    private db: Db,
    intervalMs: number,
    private onError: (err: unknown) => void,
  ) {
    this.timer = setInterval(() => void this.flush().catch(this.onError), intervalMs);
    this.timer.unref();
  }

  record(id: number): void {
    this.pending.set(id, new Date());
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    await touchTokens(this.db, batch);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
