import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { AppError } from '../errors';

/** Key for "everything else": the bearer token when there is one, else the client IP. */
function tokenOrIp(req: FastifyRequest): string {
  const auth = req.headers.authorization;
  if (auth) return `t:${createHash('sha256').update(auth).digest('base64url').slice(0, 22)}`;
  return `ip:${req.ip}`;
}

/**
 * Redis-backed limits shared by every API process. A dedicated connection that fails fast:
 * when Redis is away the limiter lets requests through (skipOnError) rather than taking the
 * API down with it.
 */
export const rateLimitPlugin = fp(async (app: FastifyInstance) => {
  const redis = new Redis(app.config.redisUrl, { connectTimeout: 500, maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => {});
  await redis.connect().catch(() => {});
  app.addHook('onClose', async () => {
    redis.disconnect();
  });

  await app.register(rateLimit, {
    global: app.config.rateLimitEnabled,
    max: 1_200,
    timeWindow: '1 minute',
    redis,
    nameSpace: `${app.config.redisPrefix}:rl:`,
    skipOnError: true,
    keyGenerator: tokenOrIp,
    // The plugin throws what this returns; an AppError reaches the problem+json handler.
    errorResponseBuilder: (_req, ctx) =>
      new AppError(
        429,
        'rate-limited',
        'Too many requests',
        `Rate limit of ${ctx.max} requests per ${ctx.after} exceeded; retry in ${Math.ceil(ctx.ttl / 1000)} s.`,
      ),
  });
});

/**
 * Extra per-route limits (login and register per IP and per account). Applied as preHandlers so
 * the body (the email) is parsed by then.
 */
export function authLimits(app: FastifyInstance) {
  if (!app.config.rateLimitEnabled) return [];
  const byIp = app.rateLimit({ max: 20, timeWindow: '1 minute', keyGenerator: (req) => `auth-ip:${req.ip}` });
  const byEmail = app.rateLimit({
    max: 10,
    timeWindow: '15 minutes',
    keyGenerator: (req) => {
      const email = (req.body as { email?: unknown } | undefined)?.email;
      return `auth-email:${typeof email === 'string' ? email.trim().toLowerCase() : req.ip}`;
    },
  });
  return [byIp, byEmail];
}
