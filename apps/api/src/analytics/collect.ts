import {
  COLLECT_BODY_LIMIT,
  CollectBody,
  MAX_PATH_LENGTH,
  MAX_REFERRER_LENGTH,
  type IngestEvent,
} from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { randomFillSync } from 'node:crypto';
import { AppError, BadRequest, Forbidden, ServiceUnavailable } from '../errors';
import { AcceptedEmpty } from '../plugins/openapi';
import { deviceClass, flattenProps, InputError, parsePageUrl, parseUserAgent, referrerSource } from './enrich';
import { visitorId } from './visitor';

export const DROPPED_HEADER = 'x-sentrypulse-dropped';

const idPool = Buffer.allocUnsafe(4_096);
let idOffset = idPool.length;

/** 128 random bits as hex, from a pool the CSPRNG refills (randomUUID keeps a similar cache). */
export function eventId(): string {
  if (idOffset === idPool.length) {
    randomFillSync(idPool);
    idOffset = 0;
  }
  const id = idPool.toString('hex', idOffset, idOffset + 16);
  idOffset += 16;
  return id;
}

class TooManyEvents extends AppError {
  constructor(what: string, retryAfter: number) {
    super(429, 'rate-limited', 'Too many requests', `Too many events from this ${what}; retry in ${retryAfter} s.`);
  }
}

/**
 * POST /api/analytics/collect. Everything here is synchronous except a cached site lookup and
 * a once-a-day salt fetch: validate, hash, enrich (cached), push to the in-process buffer.
 * Registered by buildApp in a context of its own under the root (ADR 0035): the only hooks it
 * runs are the root's request timing and request id. An empty 202 to a beacon needs no document
 * security headers, cookies or auth; CORS is the handler's `*`.
 */
export const collectRoutes: FastifyPluginAsyncZod = async (app) => {
  // sendBeacon / fetch keepalive send text/plain to avoid a CORS preflight; the body is JSON.
  // Scoped to this plugin, so no other route accepts text/plain.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new BadRequest('The body is not valid JSON.'), undefined);
    }
  });

  const a = app.analytics;
  const counted = app.hasDecorator('metrics')
    ? app.metrics.counter({ name: 'sentrypulse_collect_events_total', help: 'Collect requests by outcome (accepted, bot, dnt)', labelNames: ['result'] as const })
    : null;
  if (app.hasDecorator('metrics')) {
    app.metrics.gauge({
      name: 'sentrypulse_ingest_buffer_events',
      help: 'Accepted events waiting in this process for the next flush to Redis',
      collect() {
        this.set(a.buffer.size);
      },
    });
  }

  app.post(
    '/analytics/collect',
    {
      bodyLimit: COLLECT_BODY_LIMIT,
      // Two info lines per event would be most of the work at thousands of events/s; errors
      // are still logged.
      logLevel: 'warn',
      config: { public: true, acceptTextPlain: true, rateLimit: false },
      schema: {
        tags: ['analytics'],
        operationId: 'collectEvent',
        summary: 'Record a pageview or custom event (tracker.js)',
        security: [],
        body: CollectBody,
        consumes: ['application/json', 'text/plain'],
        response: { 202: AcceptedEmpty },
        // Unknown site, tracking disabled, per-IP/per-site limits, ingest backed up.
        problems: [403, 404, 429, 503],
      },
    },
    async (req, reply) => {
      // Browsers read nothing back, but fetch() callers should not see a CORS error.
      reply.header('access-control-allow-origin', '*');
      const body = req.body;
      const ip = a.clientIp(req);

      const ipRetry = a.limiter.hit('ip', ip);
      if (ipRetry) {
        reply.header('retry-after', String(ipRetry));
        throw new TooManyEvents('IP address', ipRetry);
      }

      const cachedSite = a.site(body.site);
      const site = cachedSite instanceof Promise ? await cachedSite : cachedSite;
      if (!site) throw new AppError(404, 'unknown-site', 'Unknown site', `No site has the tracking code "${body.site}".`);
      if (!site.enabled) throw new Forbidden('Tracking is disabled for this site.');

      let page;
      let source;
      try {
        page = parsePageUrl(body.url, site.domain, MAX_PATH_LENGTH);
        source = referrerSource(body.referrer, site.domain, MAX_REFERRER_LENGTH);
      } catch (err) {
        if (err instanceof InputError) throw new BadRequest(err.message);
        throw err;
      }

      const uaString = String(req.headers['user-agent'] ?? '').slice(0, 1_000);
      const ua = parseUserAgent(uaString);
      if (ua.bot) {
        counted?.inc({ result: 'bot' });
        return reply.header(DROPPED_HEADER, 'bot').code(202).send();
      }
      if (site.respect_dnt && req.headers.dnt === '1') {
        counted?.inc({ result: 'dnt' });
        return reply.header(DROPPED_HEADER, 'dnt').code(202).send();
      }

      const siteRetry = a.limiter.hit('site', site.id);
      if (siteRetry) {
        reply.header('retry-after', String(siteRetry));
        throw new TooManyEvents('site', siteRetry);
      }
      if (a.buffer.full) throw new ServiceUnavailable('Ingest is backed up; retry shortly.');

      const now = a.clock();
      let salts;
      try {
        const pending = a.salts.forInstant(now);
        salts = pending instanceof Promise ? await pending : pending;
      } catch {
        throw new ServiceUnavailable('Analytics storage is unavailable; retry shortly.');
      }
      const event: IngestEvent = {
        id: eventId(),
        site: site.id,
        ts: now,
        v: visitorId(salts.today, site.id, ip, uaString),
        n: body.name,
        host: page.hostname,
        path: page.pathname,
        ref: source,
        us: page.utm_source,
        um: page.utm_medium,
        uc: page.utm_campaign,
        b: ua.browser,
        o: ua.os,
        d: deviceClass(ua, body.width),
        c: a.countryOf(ip),
        props: body.name === 'pageview' ? null : flattenProps(body.props),
      };
      if (salts.yesterday) event.pv = visitorId(salts.yesterday, site.id, ip, uaString);
      a.buffer.push(event);
      counted?.inc({ result: 'accepted' });
      return reply.code(202).send();
    },
  );
};
