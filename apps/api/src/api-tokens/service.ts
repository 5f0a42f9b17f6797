import { transactionWithRetry } from '@sentrypulse/db';
import { can, type ApiToken, type CreateApiTokenBody, type CreatedApiToken, type Permission } from '@sentrypulse/shared';
import { teamScope, userScope, type ServiceContext } from '../context';
import { BadRequest, NotFound } from '../errors';
import * as q from './queries';
import { newTokenSecret } from './secret';

type TokenRow = NonNullable<Awaited<ReturnType<typeof q.findToken>>>;

function toToken(r: TokenRow): ApiToken {
  return {
    id: r.id,
    name: r.name,
    prefix: `sp_${r.prefix}`,
    scopes: r.scopes,
    last_used_at: r.last_used_at?.toISOString() ?? null,
    expires_at: r.expires_at?.toISOString() ?? null,
    created_at: r.created_at.toISOString(),
  };
}

export async function listTokens(ctx: ServiceContext): Promise<{ items: ApiToken[] }> {
  const team = teamScope(ctx);
  return { items: (await q.listTokens(ctx.db, team.id)).map(toToken) };
}

/** Creates a token; its scopes must all be held by the creator's role, its expiry in the future. */
export async function createToken(ctx: ServiceContext, body: CreateApiTokenBody): Promise<CreatedApiToken> {
  const team = teamScope(ctx);
  const userId = userScope(ctx);
  const scopes = [...new Set(body.scopes)];
  for (const [i, s] of body.scopes.entries()) {
    if (!can(team.role, s as Permission)) {
      const path = `body.scopes.${i}`;
      throw new BadRequest(`${path}: your role (${team.role}) does not hold ${s}`, { errors: [{ path, message: `your role does not hold ${s}` }] });
    }
  }
  const expiresAt = body.expires_at ? new Date(body.expires_at) : null;
  if (expiresAt && expiresAt.getTime() <= Date.now()) {
    throw new BadRequest('body.expires_at: must be in the future', { errors: [{ path: 'body.expires_at', message: 'must be in the future' }] });
  }
  const secret = newTokenSecret();
  const id = await transactionWithRetry(ctx.db, (trx) =>
    q.insertToken(trx, team.id, { created_by: userId, name: body.name, prefix: secret.prefix, token_hash: secret.hash, scopes: JSON.stringify(scopes), expires_at: expiresAt }),
  );
  const row = await q.findToken(ctx.db, team.id, id);
  if (!row) throw new NotFound('API token');
  return { ...toToken(row), token: secret.token };
}

export async function revokeToken(ctx: ServiceContext, id: number): Promise<void> {
  const team = teamScope(ctx);
  if (!(await q.revokeToken(ctx.db, team.id, id))) throw new NotFound('API token');
}
