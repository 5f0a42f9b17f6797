import { can, IdParam, type Permission } from '@sentrypulse/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { authenticateApiToken, INVALID_TOKEN, UsageRecorder } from '../api-tokens/auth';
import { verifyAccessToken } from '../auth/tokens';
import { Forbidden, NotFound, Unauthorized } from '../errors';
import { MfaSetupRequired } from '../security/errors';
import { findMembership } from '../teams/queries';

function bearerToken(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1]! : null;
}

export interface RouteEntry {
  method: string;
  url: string;
  permission: Permission | undefined;
  public: boolean;
}

/**
 * The catalogue of every route and what it requires, so tests can sweep the permission table
 * route by route (including routes added later) instead of trusting each route's author.
 * Registered at the root, before any route, so it also sees the collect endpoint, which lives
 * in a context of its own without the access hook (ADR 0035).
 */
export const routeCatalogPlugin = fp(async (app: FastifyInstance) => {
  const catalog: RouteEntry[] = [];
  app.decorate('routeCatalog', catalog);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      catalog.push({ method, url: route.url, permission: route.config?.permission, public: route.config?.public === true });
    }
  });
});

/**
 * Secure by default: every route needs a valid access token unless it says `public: true`.
 * Team-scoped routes (`permission` in their config) also load the caller's membership of
 * `:teamId` once and check the permission table. A team the caller does not belong to answers
 * 404, exactly like one that does not exist. Runs at onRequest, before the body is parsed, so
 * strangers cannot probe validation of other teams' routes.
 */
export const accessPlugin = fp(async (app: FastifyInstance) => {
  app.decorateRequest('userId', null);
  app.decorateRequest('team', null);
  app.decorateRequest('apiToken', null);
  // last_used_at of API tokens, batched (ADR 0160): at most one write per token per 10 s.
  const usage = new UsageRecorder(app.db, 10_000, (err) => app.log.warn({ err }, 'api token usage flush failed'));
  app.decorate('apiTokenUsage', usage);
  app.addHook('onClose', async () => {
    await usage.close().catch((err: unknown) => app.log.warn({ err }, 'api token usage flush failed'));
  });

  app.addHook('onRequest', async (req) => {
    const config = req.routeOptions.config;
    const url = req.routeOptions.url;
    if (!url || url.startsWith('/api/docs')) return; // 404 handler; Swagger UI's own routes
    if (config.public) {
      const token = bearerToken(req);
      if (token) req.userId = verifyAccessToken(app.config.jwtSecret, token);
      return;
    }
    const token = bearerToken(req);
    if (!token) throw new Unauthorized();
    if (token.startsWith('sp_')) {
      // Team API tokens work on team routes only: account, team-less and owner routes need a user.
      if (!config.permission) throw new Unauthorized(INVALID_TOKEN);
      const teamId = IdParam.safeParse((req.params as Record<string, string>).teamId);
      if (!teamId.success) throw new NotFound('Team');
      const principal = await authenticateApiToken(app.db, token, teamId.data, config.permission, usage);
      req.userId = principal.userId;
      req.team = principal.team;
      req.apiToken = { id: principal.tokenId, name: principal.tokenName };
      return;
    }
    const userId = verifyAccessToken(app.config.jwtSecret, token);
    if (userId === null) throw new Unauthorized('The access token is invalid or has expired.');
    req.userId = userId;

    if (config.permission) {
      const teamId = IdParam.safeParse((req.params as Record<string, string>).teamId);
      if (!teamId.success) throw new NotFound('Team');
      const membership = await findMembership(app.db, teamId.data, userId);
      if (!membership) throw new NotFound('Team');
      // A team that requires 2FA is entered only with 2FA on (account security, SPEC 13).
      if (membership.require_2fa && !membership.totp_enabled_at) throw new MfaSetupRequired();
      if (!can(membership.role, config.permission)) {
        throw new Forbidden(`Your role (${membership.role}) does not allow ${config.permission}.`);
      }
      req.team = { id: teamId.data, role: membership.role, plan: membership.plan, ownerId: membership.owner_id };
    }
  });
});
