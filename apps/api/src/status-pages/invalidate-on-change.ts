import { invalidateStatusPagesForTeam } from '@sentrypulse/db';
import type { FastifyInstance } from 'fastify';

/**
 * Registers, inside a route plugin, a hook that marks the team's cached status pages stale after
 * every successful change (incidents, updates, maintenance, monitors), so public pages show it
 * within seconds instead of at cache expiry. It runs at onSend — after the handler committed,
 * before the client hears back — so a client that reads the public page right after its change
 * never sees the old one. One Redis INCR per change; a Redis error is logged, never fails the
 * request (the cache TTL still bounds staleness).
 */
export function invalidateStatusPagesOnChange(app: FastifyInstance) {
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.method === 'GET' || req.method === 'HEAD' || reply.statusCode >= 400 || !req.team) return payload;
    try {
      await invalidateStatusPagesForTeam(app.redis, app.config.redisPrefix, req.team.id);
    } catch (err) {
      req.log.warn({ err }, 'status page cache invalidation failed');
    }
    return payload;
  });
}
