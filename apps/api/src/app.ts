import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { Config } from '@sentrypulse/shared/config';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { authRoutes } from './auth/routes';
import { healthRoutes } from './health/routes';
import { accessPlugin } from './plugins/access';
import { contentTypePlugin } from './plugins/content-type';
import { docsPlugin } from './plugins/docs';
import { infraPlugin } from './plugins/infra';
import { metricsPlugin } from './plugins/metrics';
import { problemPlugin } from './plugins/problem';
import { rateLimitPlugin } from './plugins/rate-limit';
import { teamRoutes } from './teams/routes';
import { monitorRoutes } from './monitors/routes';
import { incidentRoutes } from './incidents/routes';
import { maintenanceRoutes } from './maintenance/routes';
import { heartbeatRoutes } from './heartbeat/routes';
import { statusPageRoutes } from './status-pages/routes';
import { publicStatusRoutes } from './public/routes';
import { analyticsPlugin } from './analytics/plugin';
import { collectRoutes } from './analytics/collect';
import { statsRoutes } from './analytics/routes';
import { siteRoutes } from './sites/routes';
import { channelRoutes } from './channels/routes';
import { alertRoutes } from './alerts/routes';
import './types';

export interface BuildOptions {
  /** Pino logger options; tests pass `false`. */
  logger?: boolean | object;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds the API without listening: server.ts listens, tests use inject() or listen on port 0. */
export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      opts.logger ??
      ({
        level: config.logLevel,
        redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      } as object),
    trustProxy: config.trustProxy,
    bodyLimit: 512 * 1024,
    // Honour an upstream request id (nginx) when it is sane; otherwise mint one.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  await app.register(problemPlugin);
  await app.register(infraPlugin, { config });
  await app.register(metricsPlugin);
  await app.register(helmet, {
    // The API serves JSON and Swagger UI; a strict CSP that still lets Swagger UI run.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  // CORS closed by default: the dashboard is same-origin behind the proxy.
  await app.register(cors, { origin: config.corsOrigins.length ? config.corsOrigins : false, credentials: true });
  await app.register(cookie);
  await app.register(rateLimitPlugin);
  await app.register(contentTypePlugin);
  await app.register(accessPlugin);
  await app.register(docsPlugin);
  await app.register(analyticsPlugin);

  await app.register(
    async (api) => {
      await api.register(healthRoutes);
      await api.register(authRoutes, { prefix: '/auth' });
      await api.register(teamRoutes);
      await api.register(monitorRoutes);
      await api.register(incidentRoutes);
      await api.register(maintenanceRoutes);
      await api.register(heartbeatRoutes);
      await api.register(statusPageRoutes);
      await api.register(publicStatusRoutes);
      await api.register(siteRoutes);
      await api.register(statsRoutes);
      await api.register(collectRoutes);
      await api.register(channelRoutes);
      await api.register(alertRoutes);
    },
    { prefix: '/api' },
  );

  return app;
}
