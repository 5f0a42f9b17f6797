import { HeartbeatParams, HeartbeatResult } from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { jobsOf } from '../jobs';
import { recordHeartbeat } from '../monitors/service';

/**
 * POST or GET /api/heartbeat/:token — public; the secret token in the URL is the credential.
 * GET too because that is what a cron line does by default (`curl -fsS URL`, `wget -q URL`) and
 * what Uptime Kuma's push URLs and healthchecks.io accept; HEAD comes with GET.
 */
export const heartbeatRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = { db: app.db, jobs: jobsOf(app), apiPublicUrl: app.config.apiPublicUrl, publishEvents: async () => undefined };
  const options = {
    config: { public: true, acceptTextPlain: true },
    schema: { tags: ['monitors'], summary: 'Heartbeat ping from a monitored job', params: HeartbeatParams, response: { 200: HeartbeatResult } },
  };
  const ping = async (req: { params: { token: string } }) => ({ ok: true as const, monitor_id: await recordHeartbeat(deps, req.params.token) });
  app.post('/heartbeat/:token', options, ping);
  app.get('/heartbeat/:token', options, ping);
};
