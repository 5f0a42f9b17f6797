import { BadgeBody, BadgeSettings, IdParam } from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../context';
import { NotFound } from '../errors';
import { BADGE_METRICS, BADGE_PERIODS, badgeContent, getBadge, setBadge, shieldsOf, svgOf, type BadgePeriod } from './service';

const tags = ['badges'];
const MonitorParams = z.strictObject({ teamId: IdParam, monitorId: IdParam });
const PublicParams = z.strictObject({ key: z.string().min(1).max(64), file: z.string().min(1).max(40) });
const PublicQuery = z.strictObject({ period: z.enum(Object.keys(BADGE_PERIODS) as [BadgePeriod, ...BadgePeriod[]]).default('30d') });
const CACHE_MS = 30_000;

/** Per-monitor badges: team settings and the public SVG / shields.io JSON (ADR 0136). */
export const badgeRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/teams/:teamId/monitors/:monitorId/badge',
    { config: { permission: 'monitors.read' }, schema: { tags, summary: "The monitor's public badge settings and snippets", params: MonitorParams, response: { 200: BadgeSettings } } },
    async (req) => getBadge(contextOf(req), req.params.monitorId),
  );
  app.put(
    '/teams/:teamId/monitors/:monitorId/badge',
    { config: { permission: 'monitors.write' }, schema: { tags, summary: 'Enable (with an optional label) or disable the public badge', params: MonitorParams, body: BadgeBody, response: { 200: BadgeSettings } } },
    async (req) => setBadge(contextOf(req), req.params.monitorId, req.body),
  );

  // One render per key, metric and period per CACHE_MS in each process; browsers and shields.io may keep it a minute.
  const cache = new Map<string, { at: number; body: string; type: string } | { at: number; missing: true }>();
  app.get(
    '/public/badges/:key/:file',
    { config: { public: true, rateLimit: false }, schema: { tags, summary: 'status|uptime|response-time as .svg or .json (shields.io endpoint)', security: [], params: PublicParams, querystring: PublicQuery, produces: ['image/svg+xml', 'application/json'], producesJson: 'ShieldsEndpoint' } },
    async (req, reply) => {
      const m = /^(status|uptime|response-time)\.(svg|json)$/.exec(req.params.file);
      if (!m || !/^[A-Za-z0-9_-]{22}$/.test(req.params.key)) throw new NotFound('Badge');
      const metric = m[1] as (typeof BADGE_METRICS)[number];
      const format = m[2] as 'svg' | 'json';
      const id = `${req.params.key}:${metric}:${format}:${metric === 'uptime' ? req.query.period : ''}`;
      let hit = cache.get(id);
      if (!hit || Date.now() - hit.at > CACHE_MS) {
        const badge = await badgeContent(contextOf(req), req.params.key, metric, req.query.period);
        hit = badge
          ? { at: Date.now(), body: format === 'svg' ? svgOf(badge) : JSON.stringify(shieldsOf(badge)), type: format === 'svg' ? 'image/svg+xml; charset=utf-8' : 'application/json; charset=utf-8' }
          : { at: Date.now(), missing: true };
        if (cache.size > 10_000) cache.clear();
        cache.set(id, hit);
      }
      if ('missing' in hit) throw new NotFound('Badge');
      return reply
        .type(hit.type)
        .header('cache-control', 'public, max-age=60')
        .header('access-control-allow-origin', '*')
        .header('cross-origin-resource-policy', 'cross-origin')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
        .send(hit.body);
    },
  );
};
