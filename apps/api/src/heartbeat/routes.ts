import { HeartbeatParams, HeartbeatResult } from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { monitoringQueues } from '../monitors/queues';
import { recordHeartbeat } from '../monitors/service';

/** POST /api/heartbeat/:token — public; the secret token in the URL is the credential. */
export const heartbeatRoutes: FastifyPluginAsyncZod = async (app) => {
  const queues = monitoringQueues(app);
  const deps = { db: app.db, queues, apiPublicUrl: app.config.apiPublicUrl, publishEvents: async () => undefined };
  app.post(
    '/heartbeat/:token',
    { config: { public: true, acceptTextPlain: true }, schema: { tags: ['monitors'], summary: 'Heartbeat ping from a monitored job', params: HeartbeatParams, response: { 200: HeartbeatResult } } },
    async (req) => ({ ok: true as const, monitor_id: await recordHeartbeat(deps, req.params.token) }),
  );
};
