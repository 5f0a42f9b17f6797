import * as tracker from '@sentrypulse/tracker';
import type { FastifyInstance } from 'fastify';
import { ServiceUnavailable } from '../errors';
import { NotModified } from '../plugins/openapi';

interface TrackerScript {
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

type TrackerModule = { trackerScript?: () => Promise<TrackerScript> };

/**
 * GET /tracker.js: the built script from packages/tracker, cached in memory, with long cache
 * headers (the snippet URL is stable, so a day of max-age plus a week of stale-while-revalidate
 * and an ETag for cheap revalidation) and the pre-gzipped body when the client accepts it.
 */
export async function trackerRoute(app: FastifyInstance) {
  let script: Promise<TrackerScript> | null = null;
  const load = () => {
    const fn = (tracker as TrackerModule).trackerScript;
    if (typeof fn !== 'function') throw new ServiceUnavailable('tracker.js is not built yet.');
    script ??= fn().catch((err: unknown) => {
      // Not cached: the next request tries again (e.g. after the build has been run).
      script = null;
      throw new ServiceUnavailable(`tracker.js could not be built: ${(err as Error).message}`);
    });
    return script;
  };

  app.get(
    '/tracker.js',
    { config: { public: true, rateLimit: false }, schema: { tags: ['analytics'], operationId: 'getTrackerScript', summary: 'The tracking script', produces: ['application/javascript'], response: { 304: NotModified } } },
    async (req, reply) => {
      const s = await load();
      reply
        .header('content-type', 'application/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=86400, stale-while-revalidate=604800')
        .header('etag', s.etag)
        .header('vary', 'Accept-Encoding')
        .header('access-control-allow-origin', '*')
        .header('cross-origin-resource-policy', 'cross-origin');
      if (req.headers['if-none-match'] === s.etag) return reply.code(304).send();
      if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
        return reply.header('content-encoding', 'gzip').send(s.gzip);
      }
      return reply.send(s.body);
    },
  );
}
