import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
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
 * Extra per-route limits (login and register per IP and per account). They run at preValidation:
 * the body (the email) is parsed by then, and invalid attempts count too. Built on the plugin's
 * `createRateLimit` because its `rateLimit()` handlers skip requests the global limit already saw.
 */
export function authLimits(app: FastifyInstance): preValidationAsyncHookHandler[] {
  if (!app.config.rateLimitEnabled) return [];
  const limiter = (max: number, timeWindow: string, key: (req: FastifyRequest) => string): preValidationAsyncHookHandler => {
    const check = app.createRateLimit({ max, timeWindow, keyGenerator: key });
    return async (req, reply) => {
      const res = await check(req);
      if (res.isAllowed || !res.isExceeded) return;
      const seconds = Math.max(1, Math.ceil(res.ttl / 1000));
      reply.header('retry-after', String(seconds));
      throw new AppError(429, 'rate-limited', 'Too many requests', `Too many attempts; retry in ${seconds} s.`);
    };
  };
  const byIp = limiter(20, '1 minute', (req) => `auth-ip:${req.ip}`);
  const byEmail = limiter(10, '15 minutes', (req) => {
    const email = (req.body as { email?: unknown } | null | undefined)?.email;
    return `auth-email:${typeof email === 'string' ? email.trim().toLowerCase() : `ip:${req.ip}`}`;
  });
  return [byIp, byEmail];
}
