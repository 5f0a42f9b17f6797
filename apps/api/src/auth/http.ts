import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClientInfo } from '../security/client';
import { REFRESH_TOKEN_TTL_DAYS } from './tokens';

/** What the auth and security routes share about HTTP: the refresh cookie and the caller's client. */
export const REFRESH_COOKIE = 'sp_refresh';
export const COOKIE_PATH = '/api/auth';

export function setRefreshCookie(secure: boolean, reply: FastifyReply, token: string): void {
  reply.setCookie(REFRESH_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: COOKIE_PATH,
    maxAge: REFRESH_TOKEN_TTL_DAYS * 86_400,
  });
}

/** The refresh cookie of this browser, if any (identifies the current session). */
export function refreshCookieOf(req: FastifyRequest): string | undefined {
  return req.cookies[REFRESH_COOKIE] || undefined;
}

/** Where the request came from, for the session list and the security log. */
export function clientOf(req: FastifyRequest): ClientInfo {
  const ua = req.headers['user-agent'];
  return { ip: req.ip ?? null, userAgent: typeof ua === 'string' ? ua : null };
}
