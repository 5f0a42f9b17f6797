import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { transform, transformObjectFor } from './openapi';

/**
 * OpenAPI 3.1 generated from the same zod schemas the routes validate with. The generator
 * (its onRoute hook) is registered at the root before any route, so it also documents the
 * collect endpoint, which has a context of its own (ADR 0035); the UI is `docsPlugin`. What
 * each operation gets from its route's options (operationId, tags, problem responses,
 * `security: []`, components) is in ./openapi.ts (ADR 0140).
 */
export const openApiPlugin = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'SentryPulse API',
        version: '0.1.0',
        description:
          'Uptime monitoring, incidents, alerts, status pages and privacy-first analytics. Errors are RFC 9457 ' +
          'problem details (`application/problem+json`). Authenticate with `Authorization: Bearer <access token>` ' +
          '(POST /api/auth/login); operations with `security: []` are public.',
        license: { name: 'Proprietary', url: 'https://sentrypulse.dev/terms' },
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform,
    transformObject: transformObjectFor({ serverUrl: app.config.apiPublicUrl }),
  });
});

/** Swagger UI at /api/docs and the document at /api/openapi.json (in the API's main context). */
export const docsPlugin = fp(async (app: FastifyInstance) => {
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { deepLinking: true } });
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
});
