import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/**
 * OpenAPI 3 generated from the same zod schemas the routes validate with. The generator
 * (its onRoute hook) is registered at the root before any route, so it also documents the
 * collect endpoint, which has a context of its own (ADR 0035); the UI is `docsPlugin`.
 */
export const openApiPlugin = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'SentryPulse API',
        version: '0.1.0',
        description: 'Uptime monitoring, incidents, alerts, status pages and privacy-first analytics.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
});

/** Swagger UI at /api/docs and the document at /api/openapi.json (in the API's main context). */
export const docsPlugin = fp(async (app: FastifyInstance) => {
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { deepLinking: true } });
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
});
