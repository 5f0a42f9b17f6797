import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { Config } from '@sentrypulse/shared/config';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { authRoutes } from './auth/routes';
import { healthRoutes } from './health/routes';
import { accessPlugin, routeCatalogPlugin } from './plugins/access';
import { contentTypePlugin } from './plugins/content-type';
import { docsPlugin, openApiPlugin } from './plugins/docs';
import { infraPlugin } from './plugins/infra';
import { metricsPlugin, metricsRoute } from './plugins/metrics';
import { inputPlugin } from './plugins/input';
import { MAX_PATH_SEGMENT } from './plugins/openapi';
import { clientErrorHandler, frameworkErrors, notFoundPlugin, problemPlugin } from './plugins/problem';
import { rateLimitPlugin } from './plugins/rate-limit';
import { apiTokenRoutes } from './api-tokens/routes';
import { teamRoutes } from './teams/routes';
import { invitationRoutes } from './invitations/routes';
import { monitorRoutes } from './monitors/routes';
import { incidentRoutes } from './incidents/routes';
import { maintenanceRoutes } from './maintenance/routes';
import { heartbeatRoutes } from './heartbeat/routes';
import { statusPageRoutes } from './status-pages/routes';
import { publicStatusRoutes } from './public/routes';
import { analyticsPlugin } from './analytics/plugin';
import { collectRoutes } from './analytics/collect';
import { trackerRoute } from './analytics/tracker';
import { statsRoutes } from './analytics/routes';
import { siteRoutes } from './sites/routes';
import { goalRoutes } from './goals/routes';
import { channelRoutes } from './channels/routes';
import { escalationRoutes } from './escalation/routes';
import { alertRoutes } from './alerts/routes';
import { securityRoutes } from './security/routes';
import { ssoRoutes } from './sso/routes';
import { subscriberRoutes } from './subscribers/routes';
import { maintenanceSeriesRoutes } from './maintenance-series/routes';
import { badgeRoutes } from './badges/routes';
import { customDomainRoutes } from './custom-domains/routes';
import './types';

export interface BuildOptions {
  /** Pino logger options; tests pass `false`. */
  logger?: boolean | object;
  /** false serves the public status routes without their cache: bench:status's baseline only. */
  publicStatusCache?: boolean;
  /** Called on the bare instance before any plugin: tests install their contract checker here. */
  instrument?: (app: FastifyInstance) => void;
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
    // Errors before routing and of the HTTP parser: problem+json too, without the URL.
    routerOptions: { maxParamLength: MAX_PATH_SEGMENT },
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();

  opts.instrument?.(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('x-request-id', req.id);
    done(null, payload);
  });

  // The root holds what every route shares: the problem+json error handler, the pools, metrics
  // (and request timing), the route catalogue, the OpenAPI generator and the ingest state.
  await app.register(problemPlugin);
  await app.register(inputPlugin);
  await app.register(infraPlugin, { config });
  await app.register(metricsPlugin);
  await app.register(routeCatalogPlugin);
  await app.register(openApiPlugin);
  await app.register(analyticsPlugin);

  // POST /api/analytics/collect in a context of its own: a public beacon endpoint that needs
  // none of the main context's hooks (security headers, CORS, cookies, rate limit plugin,
  // JSON-only bodies, auth), which were a measurable part of its cost per event (ADR 0035).
  await app.register(collectRoutes, { prefix: '/api' });

  // Everything else, behind the hooks every other answer gets (404s included).
  await app.register(async (main) => {
    await main.register(notFoundPlugin);
    await main.register(helmet, {
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
    await main.register(cors, { origin: config.corsOrigins.length ? config.corsOrigins : false, credentials: true });
    await main.register(cookie);
    await main.register(rateLimitPlugin);
    await main.register(contentTypePlugin);
    await main.register(accessPlugin);
    await main.register(docsPlugin);
    await main.register(metricsRoute);
    await main.register(trackerRoute);

    await main.register(
      async (api) => {
        await api.register(healthRoutes);
        await api.register(authRoutes, { prefix: '/auth' });
        await api.register(teamRoutes);
        await api.register(invitationRoutes);
        await api.register(monitorRoutes);
        await api.register(incidentRoutes);
        await api.register(maintenanceRoutes);
        await api.register(heartbeatRoutes);
        await api.register(statusPageRoutes);
        await api.register(publicStatusRoutes, { cache: opts.publicStatusCache ?? true });
        await api.register(siteRoutes);
        await api.register(statsRoutes);
        await api.register(goalRoutes);
        await api.register(channelRoutes);
        await api.register(alertRoutes);
        await api.register(securityRoutes);
        await api.register(ssoRoutes);
        await api.register(escalationRoutes);
        await api.register(subscriberRoutes);
        await api.register(maintenanceSeriesRoutes);
        await api.register(badgeRoutes);
        await api.register(customDomainRoutes);
        await api.register(apiTokenRoutes);
      },
      { prefix: '/api' },
    );
  });

  return app;
}
