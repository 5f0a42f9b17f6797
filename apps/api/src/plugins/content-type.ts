import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { UnsupportedMediaType } from '../errors';

/**
 * JSON only: Fastify would otherwise parse text/plain bodies into strings and hand them to the
 * schema, which answers a confusing 400. Only the collect endpoint (sent by navigator.sendBeacon
 * as text/plain to avoid a CORS preflight) opts in with `acceptTextPlain`.
 */
export const contentTypePlugin = fp(async (app: FastifyInstance) => {
  app.addHook('preValidation', async (req) => {
    if (req.body === undefined || req.routeOptions.config.acceptTextPlain) return;
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === 'application/x-www-form-urlencoded' && req.routeOptions.config.acceptForm) return;
    if (type !== 'application/json') {
      throw new UnsupportedMediaType(`Unsupported Content-Type "${type || '(none)'}": send application/json.`);
    }
  });
});
