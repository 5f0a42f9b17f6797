import { IdParam, TeamParams, TeamSso, TeamSsoBody } from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clientOf, setRefreshCookie } from '../auth/http';
import { contextOf } from '../context';
import { authLimits } from '../plugins/rate-limit';
import * as sso from './service';

const tags = ['single sign-on'];

/** Single sign-on with OpenID Connect per team (SPEC 13): the owner's configuration and the browser flow. */
export const ssoRoutes: FastifyPluginAsyncZod = async (app) => {
  const perIp = authLimits(app).slice(0, 1);

  app.get(
    '/teams/:teamId/sso',
    { config: { permission: 'team.security' }, schema: { tags, summary: "The team's OpenID Connect configuration (secret never returned; null when none)", params: TeamParams, response: { 200: TeamSso.nullable() } } },
    async (req) => sso.getTeamSso(contextOf(req)),
  );

  app.put(
    '/teams/:teamId/sso',
    {
      config: { permission: 'team.security' },
      schema: { tags, summary: 'Configure the OpenID provider (discovered at once), default role and "SSO required"', params: TeamParams, body: TeamSsoBody, response: { 200: TeamSso } },
    },
    async (req) => sso.putTeamSso(contextOf(req), req.body, clientOf(req)),
  );

  app.delete(
    '/teams/:teamId/sso',
    { config: { permission: 'team.security' }, schema: { tags, summary: 'Remove single sign-on', params: TeamParams } },
    async (req, reply) => {
      await sso.deleteTeamSso(contextOf(req), clientOf(req));
      return reply.code(204).send();
    },
  );

  app.get(
    // `:team`, not `:teamId`: a public route, outside the team access hook.
    '/auth/sso/:team/start',
    { config: { public: true }, preValidation: perIp, schema: { tags, summary: "Redirect to the team's provider (code + PKCE, state, nonce)", redirects: true, params: z.object({ team: IdParam }) } },
    async (req, reply) => reply.redirect(await sso.startSso(contextOf(req), req.params.team), 302),
  );

  app.get(
    '/auth/sso/callback',
    {
      config: { public: true },
      preValidation: perIp,
      schema: { tags, summary: 'The provider sends the browser back here; on success a session cookie and a redirect to the dashboard', redirects: true,
        problems: [401, 403],
        // What the provider sends back (RFC 6749 4.1.2 / 4.1.2.1); openid-client reads the rest of the URL itself.
        querystring: z.looseObject({
          code: z.string().max(2048).optional(),
          state: z.string().max(512).optional(),
          iss: z.string().max(2048).optional(),
          error: z.string().max(256).optional(),
          error_description: z.string().max(2048).optional(),
        }),
      },
    },
    async (req, reply) => {
      const ctx = contextOf(req);
      const search = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      const res = await sso.finishSso(ctx, new URL(`${sso.redirectUri(ctx)}${search}`), clientOf(req));
      setRefreshCookie(app.config.cookieSecure, reply, res.session.refresh_token);
      // The dashboard picks the session up from the refresh cookie (AuthGate refreshes on load).
      return reply.redirect(`${app.config.publicUrl}/t/${res.teamId}/monitors`, 302);
    },
  );
};
