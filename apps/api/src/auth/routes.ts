import {
  AuthResponse,
  ChangePasswordBody,
  LoginBody,
  LoginResponse,
  LogoutBody,
  MeResponse,
  Ok,
  RefreshBody,
  RegisterBody,
  UpdateProfileBody,
  User,
} from '@sentrypulse/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf } from '../context';
import { authLimits } from '../plugins/rate-limit';
import { BadRequest, Unauthorized } from '../errors';
import * as auth from './service';
import { clientOf, COOKIE_PATH, REFRESH_COOKIE, setRefreshCookie as setCookie } from './http';

export { REFRESH_COOKIE };

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const limits = authLimits(app);

  function setRefreshCookie(reply: FastifyReply, token: string) {
    setCookie(app.config.cookieSecure, reply, token);
  }

  /**
   * The refresh token from the body (scripts) or the httpOnly cookie (browser). The cookie is only
   * honoured on a JSON request or with X-Requested-With, which a cross-site form cannot send.
   */
  function presentedRefreshToken(req: FastifyRequest, bodyToken: string | undefined): string {
    if (bodyToken) return bodyToken;
    const cookie = req.cookies[REFRESH_COOKIE];
    if (!cookie) throw new Unauthorized('No refresh token: send refresh_token or the session cookie.');
    const isJson = (req.headers['content-type'] ?? '').startsWith('application/json');
    if (!isJson && !req.headers['x-requested-with']) {
      throw new BadRequest('Cookie-authenticated requests need a JSON body or an X-Requested-With header.');
    }
    return cookie;
  }

  app.post(
    '/register',
    {
      config: { public: true },
      preValidation: limits,
      schema: { tags: ['auth'], operationId: 'register', problems: [409], summary: 'Create an account and its personal team', body: RegisterBody, response: { 201: AuthResponse } },
    },
    async (req, reply) => {
      const res = await auth.register(contextOf(req), req.body, clientOf(req));
      setRefreshCookie(reply, res.refresh_token);
      return reply.code(201).send(res);
    },
  );

  app.post(
    '/login',
    {
      config: { public: true },
      preValidation: limits,
      schema: {
        tags: ['auth'],
        operationId: 'login',
        problems: [401, 403],
        summary: 'Log in with email and password (with 2FA on: answers {mfa_required, mfa_token} for POST /login/2fa)',
        body: LoginBody,
        response: { 200: LoginResponse },
      },
    },
    async (req, reply) => {
      const res = await auth.login(contextOf(req), req.body, clientOf(req));
      if ('refresh_token' in res) setRefreshCookie(reply, res.refresh_token);
      return res;
    },
  );

  app.post(
    '/refresh',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        operationId: 'refreshTokens',
        problems: [401],
        summary: 'Exchange a refresh token for a new pair (rotation; re-use revokes the family)',
        body: RefreshBody.nullish(),
        response: { 200: AuthResponse },
      },
    },
    async (req, reply) => {
      const token = presentedRefreshToken(req, req.body?.refresh_token);
      try {
        const res = await auth.refresh(contextOf(req), token);
        setRefreshCookie(reply, res.refresh_token);
        return res;
      } catch (err) {
        reply.clearCookie(REFRESH_COOKIE, { path: COOKIE_PATH });
        throw err;
      }
    },
  );

  app.post(
    '/logout',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        operationId: 'logout',
        problems: [401],
        summary: 'Revoke this login (or, with everywhere, every login of the account)',
        body: LogoutBody.nullish(),
        response: { 200: Ok },
      },
    },
    async (req, reply) => {
      const token = presentedRefreshToken(req, req.body?.refresh_token);
      await auth.logout(contextOf(req), token, req.body?.everywhere === true);
      reply.clearCookie(REFRESH_COOKIE, { path: COOKIE_PATH });
      return { ok: true as const };
    },
  );

  app.post(
    '/logout-all',
    { schema: { tags: ['auth'], operationId: 'logoutAll', summary: 'Sign out every session of the current user', response: { 200: Ok } } },
    async (req, reply) => {
      await auth.logoutAll(contextOf(req));
      reply.clearCookie(REFRESH_COOKIE, { path: COOKIE_PATH });
      return { ok: true as const };
    },
  );

  app.get(
    '/me',
    { schema: { tags: ['auth'], operationId: 'getMe', summary: 'The current user and their teams', response: { 200: MeResponse } } },
    async (req) => auth.me(contextOf(req)),
  );

  app.patch(
    '/me',
    { schema: { tags: ['auth'], operationId: 'updateMe', summary: 'Update the profile', body: UpdateProfileBody, response: { 200: User } } },
    async (req) => auth.updateProfile(contextOf(req), req.body.name),
  );

  app.put(
    '/password',
    {
      preValidation: limits.slice(0, 1),
      schema: {
        tags: ['auth'],
        operationId: 'changePassword',
        summary: 'Change the password; signs out every other session',
        body: ChangePasswordBody,
        response: { 200: AuthResponse },
      },
    },
    async (req, reply) => {
      const res = await auth.changePassword(contextOf(req), req.body.current_password, req.body.new_password, clientOf(req));
      setRefreshCookie(reply, res.refresh_token);
      return res;
    },
  );
};
