import { HeartbeatParams, HeartbeatResult } from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf } from '../context';
import { recordHeartbeat } from '../monitors/service';

/**
 * POST or GET /api/heartbeat/:token — public; the secret token in the URL is the credential.
 * GET too because that is what a cron line does by default (`curl -fsS URL`, `wget -q URL`) and
 * what Uptime Kuma's push URLs and healthchecks.io accept; HEAD comes with GET.
 */
export const heartbeatRoutes: FastifyPluginAsyncZod = async (app) => {
  const options = {
    config: { public: true, acceptTextPlain: true },
    schema: { tags: ['monitors'], summary: 'Heartbeat ping from a monitored job', params: HeartbeatParams, response: { 200: HeartbeatResult } },
  };
  app.post('/heartbeat/:token', options, async (req) => ({ ok: true as const, monitor_id: await recordHeartbeat(contextOf(req), req.params.token) }));
  app.get('/heartbeat/:token', options, async (req) => ({ ok: true as const, monitor_id: await recordHeartbeat(contextOf(req), req.params.token) }));
};
