import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../context';
import { readiness } from './service';

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
    async (req, reply) => {
      const { ready, mysql, redis } = await readiness(contextOf(req));
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', mysql, redis });
    },
  );
};
