import type { StatusPageRow } from '@sentrypulse/db';
import {
  CustomDomain,
  PublicBadgeQuery,
  PublicDomainLookup,
  PublicDomainParams,
  PublicHistoryQuery,
  PublicIncidentHistory,
  PublicSlugParams,
  PublicStatusPage,
  STATUS_PAGE_SLUG,
} from '@sentrypulse/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf, type ServiceContext } from '../context';
import { BadRequest, NotFound } from '../errors';
import { PublicCache, type Loader, type Representation } from './cache';
import { NotModified } from '../plugins/openapi';
import * as service from './service';

const tags = ['public status pages'];
const JSON_TYPE = 'application/json; charset=utf-8';
/** Browsers and proxies may keep a copy briefly; the server-side cache is what absorbs a spike. */
const PUBLIC_CACHE_CONTROL = 'public, max-age=10, stale-while-revalidate=30';
const DOMAIN_TTL_MS = 5_000;

/**
 * Public, unauthenticated status page endpoints (SPEC 4.5, 5). Served from PublicCache; a private
 * page answers 404 exactly like a missing one, unless the caller is a member of its team (then it
 * is built fresh and marked private, no-store).
 * They skip the Redis-backed per-IP rate limit: the answer comes from memory, and visitors behind
 * one NAT during an outage must not be turned away (see docs/adr/0071-public-status-routes-skip-the-rate-limit.md).
 */
export const publicStatusRoutes: FastifyPluginAsyncZod<{ cache?: boolean }> = async (app, opts) => {
  const cache = new PublicCache(app.redis, app.config.redisPrefix, Date.now, { enabled: opts.cache ?? true });
  cachesByPrefix.set(app.config.redisPrefix, cache);
  app.addHook('onClose', async () => {
    cachesByPrefix.delete(app.config.redisPrefix);
  });
  const domains = new Map<string, { slug: string | null; at: number }>();

  function locator(ctx: ServiceContext, slug: string): Loader<StatusPageRow>['locate'] {
    return () => service.locatePublicPage(ctx, slug);
  }

  function send(req: FastifyRequest, reply: FastifyReply, rep: Representation, cacheControl = PUBLIC_CACHE_CONTROL) {
    reply
      .header('cache-control', cacheControl)
      .header('etag', rep.etag)
      .header('vary', 'accept-encoding, authorization')
      .header('access-control-allow-origin', '*')
      .header('cross-origin-resource-policy', 'cross-origin')
      .type(rep.contentType);
    if (req.headers['if-none-match'] === rep.etag) return reply.code(304).send();
    if (rep.gzip && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
      return reply.header('content-encoding', 'gzip').send(rep.gzip);
    }
    return reply.send(rep.body);
  }

  function validSlug(slug: string): string {
    if (!STATUS_PAGE_SLUG.test(slug)) throw new NotFound('Status page');
    return slug;
  }

  const config = { public: true, rateLimit: false as const };

  app.get(
    '/public/status-pages/:slug',
    {
      config,
      schema: { tags, summary: 'The public status page', security: [], params: PublicSlugParams, response: { 200: PublicStatusPage, 304: NotModified } },
    },
    async (req, reply) => {
      const slug = validSlug(req.params.slug);
      const ctx = contextOf(req);
      const rep = await cache.get(slug, 'json', {
        locate: locator(ctx, slug),
        render: async ({ page }) => ({ contentType: JSON_TYPE, body: JSON.stringify(await service.publicPage(ctx, page)) }),
      });
      if (rep.status === 200) return send(req, reply, rep);
      const row = await service.memberPage(ctx, slug);
      return reply.header('cache-control', 'private, no-store').send(await service.publicPage(ctx, row));
    },
  );

  app.get(
    '/public/status-pages/:slug/history',
    {
      config,
      schema: {
        tags,
        summary: 'Resolved incidents of the page, newest first',
        security: [],
        params: PublicSlugParams,
        querystring: PublicHistoryQuery,
        response: { 200: PublicIncidentHistory, 304: NotModified },
      },
    },
    async (req, reply) => {
      const slug = validSlug(req.params.slug);
      const { limit, cursor } = req.query;
      let before: number | null = null;
      if (cursor !== undefined) {
        const parsed = z.coerce.number().int().positive().max(2 ** 31 - 1).safeParse(cursor);
        if (!parsed.success) throw new BadRequest('cursor is not a valid cursor for this list.');
        before = parsed.data;
      }
      const ctx = contextOf(req);
      const rep = await cache.get(slug, `history:${limit}:${before ?? ''}`, {
        locate: locator(ctx, slug),
        render: async ({ page }) => ({ contentType: JSON_TYPE, body: JSON.stringify(await service.publicHistory(ctx, page, limit, before)) }),
      });
      if (rep.status === 200) return send(req, reply, rep);
      const row = await service.memberPage(ctx, slug);
      return reply.header('cache-control', 'private, no-store').send(await service.publicHistory(ctx, row, limit, before));
    },
  );

  app.get(
    '/public/status-pages/:slug/feed.atom',
    { config, schema: { tags, summary: 'Atom feed of incidents and their updates', security: [], params: PublicSlugParams, produces: ['application/atom+xml'], response: { 304: NotModified } } },
    async (req, reply) => {
      const slug = validSlug(req.params.slug);
      const ctx = contextOf(req);
      const rep = await cache.get(slug, 'feed', {
        locate: locator(ctx, slug),
        render: async ({ page }) => ({ contentType: 'application/atom+xml; charset=utf-8', body: await service.publicFeed(ctx, page) }),
      });
      if (rep.status !== 200) throw new NotFound('Status page');
      return send(req, reply, rep);
    },
  );

  app.get(
    '/public/status-pages/:slug/badge.svg',
    {
      config,
      schema: { tags, summary: 'SVG badge: overall status, or 90-day uptime with ?metric=uptime', security: [], params: PublicSlugParams, querystring: PublicBadgeQuery, produces: ['image/svg+xml'], response: { 304: NotModified } },
    },
    async (req, reply) => {
      const slug = validSlug(req.params.slug);
      const metric = req.query.metric;
      const ctx = contextOf(req);
      const rep = await cache.get(slug, `badge:${metric}`, {
        locate: locator(ctx, slug),
        render: async ({ page }) => ({ contentType: 'image/svg+xml; charset=utf-8', body: await service.publicBadge(ctx, page, metric) }),
      });
      if (rep.status !== 200) throw new NotFound('Status page');
      return send(req, reply, rep);
    },
  );

  app.get(
    '/public/status-domains/:host',
    {
      config,
      schema: {
        tags,
        summary: 'Which page a custom domain serves (for the web front end)',
        security: [],
        params: PublicDomainParams,
        response: { 200: PublicDomainLookup },
      },
    },
    async (req, reply) => {
      const host = CustomDomain.safeParse(req.params.host.replace(/:\d+$/, ''));
      if (!host.success) throw new NotFound('Status page');
      const hit = domains.get(host.data);
      let slug: string | null;
      if (hit && Date.now() - hit.at < DOMAIN_TTL_MS) slug = hit.slug;
      else {
        slug = await service.slugOfDomain(contextOf(req), host.data);
        if (domains.size > 5_000) domains.clear();
        domains.set(host.data, { slug, at: Date.now() });
      }
      if (!slug) throw new NotFound('Status page');
      return reply.header('cache-control', 'public, max-age=30').send({ slug });
    },
  );
};

/** The cache of each app by Redis prefix, so tests can drop the in-process layer between steps. */
export const cachesByPrefix = new Map<string, PublicCache>();
