import { findSiteByTrackingCode, type CollectSite } from '@sentrypulse/db';
import { ingestStreamKey } from '@sentrypulse/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import maxmind, { type CountryResponse, type Reader } from 'maxmind';
import { createRequire } from 'node:module';
import { IngestBuffer } from './buffer';
import { CollectLimiter } from './limiter';
import { Salts } from './visitor';

type GeoRecord = CountryResponse & { country_code?: string };

export interface AnalyticsState {
  buffer: IngestBuffer;
  limiter: CollectLimiter;
  salts: Salts;
  /** Overridable in tests (salt rotation); everything time-dependent in collect reads it. */
  clock: () => number;
  countryOf(ip: string): string;
  /** `req.ip` (X-Forwarded-For only from TRUST_PROXY, ADR 0052), memoised per socket address and header. */
  clientIp(req: FastifyRequest): string;
  /** Tracking code → site, cached briefly (misses too) so floods of bad codes skip MySQL. */
  site(code: string): CollectSite | null | Promise<CollectSite | null>;
  forgetSite(code: string): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    analytics: AnalyticsState;
  }
}

const SITE_TTL_MS = 30_000;

/**
 * Ingest state shared by the collect route: buffer, limiter, salts, GeoIP reader, site cache.
 * Registered at the root (after the pools, so its onClose flush runs before they close), where
 * both the collect context and the main context see it. /tracker.js is `trackerRoute`.
 */
export const analyticsPlugin = fp(async (app: FastifyInstance) => {
  const config = app.config;
  // A connection of its own: the buffer's XADDs never queue behind other commands, and fail
  // fast when Redis is away (the buffer keeps the events and retries).
  const redis = new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, lazyConnect: true });
  redis.on('error', (err) => app.log.warn({ err: err.message }, 'analytics redis error'));
  await redis.connect().catch((err: Error) => app.log.error({ err: err.message }, 'analytics redis not reachable at start'));

  const require = createRequire(import.meta.url);
  const geo: Reader<GeoRecord> = await maxmind.open<GeoRecord>(
    require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb'),
    { cache: { max: 20_000 } },
  );

  const sites = new LRUCache<string, { site: CollectSite | null }>({ max: 20_000, ttl: SITE_TTL_MS });
  // Per-event lookups that repeat: an IP's country (a visitor sends several events) and the
  // trusted-proxy walk over X-Forwarded-For (same socket address and header, same answer).
  const countries = new LRUCache<string, string>({ max: 50_000 });
  const clientIps = new LRUCache<string, string>({ max: 50_000 });
  const lookupCountry = (ip: string): string => {
    try {
      const r = geo.get(ip);
      const code = r?.country_code ?? r?.country?.iso_code ?? '';
      return /^[A-Z]{2}$/.test(code) ? code : '';
    } catch {
      return '';
    }
  };
  const loading = new Map<string, Promise<CollectSite | null>>();

  const state: AnalyticsState = {
    buffer: new IngestBuffer(redis, app.log, { streamKey: ingestStreamKey(config.redisPrefix) }),
    limiter: new CollectLimiter(redis, config.redisPrefix),
    salts: new Salts(redis, config.redisPrefix),
    clock: Date.now,
    countryOf(ip) {
      let code = countries.get(ip);
      if (code === undefined) {
        code = lookupCountry(ip);
        countries.set(ip, code);
      }
      return code;
    },
    clientIp(req) {
      // Fastify's req.ip is a function of exactly these two values and the app's trust setting.
      const xff = req.raw.headers['x-forwarded-for'];
      const remote = req.raw.socket?.remoteAddress;
      if (typeof xff !== 'string' || xff.length > 512 || remote === undefined) return req.ip;
      const key = `${remote} ${xff}`;
      let ip = clientIps.get(key);
      if (ip === undefined) {
        ip = req.ip;
        clientIps.set(key, ip);
      }
      return ip;
    },
    site(code) {
      const hit = sites.get(code);
      if (hit) return hit.site;
      let p = loading.get(code);
      if (!p) {
        p = findSiteByTrackingCode(app.db, code)
          .then((site) => {
            sites.set(code, { site });
            return site;
          })
          .finally(() => loading.delete(code));
        loading.set(code, p);
      }
      return p;
    },
    forgetSite(code) {
      sites.delete(code);
    },
  };
  app.decorate('analytics', state);

  app.addHook('onClose', async () => {
    state.limiter.close();
    await state.buffer.close();
    redis.disconnect();
  });
});
