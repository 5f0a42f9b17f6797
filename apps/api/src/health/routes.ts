import { sql } from '@sentrypulse/db';
import { withTimeout } from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const Health = z.object({ status: z.literal('ok') });
const Ready = z.object({ status: z.enum(['ready', 'unavailable']), mysql: z.boolean(), redis: z.boolean() });

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    { config: { public: true, rateLimit: false }, schema: { tags: ['operations'], summary: 'Liveness', response: { 200: Health } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      config: { public: true, rateLimit: false },
      schema: { tags: ['operations'], summary: 'Readiness: MySQL and Redis reachable', response: { 200: Ready, 503: Ready } },
    },
    async (_req, reply) => {
      const [mysql, redis] = await Promise.all([
        withTimeout(sql`SELECT 1`.execute(app.db), 2_000).then(() => true, () => false),
        withTimeout(app.redis.ping(), 2_000).then(() => true, () => false),
      ]);
      const ok = mysql && redis;
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'unavailable', mysql, redis });
    },
  );
};
