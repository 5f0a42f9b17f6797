import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { lockRetryTotals, onLockRetry } from '@sentrypulse/db';
import { collectProcessMetrics, metricsFor, type MetricFactories } from '@sentrypulse/metrics';
import { Registry } from 'prom-client';

/**
 * Prometheus metrics of one API instance. Feature plugins add their own through
 * `app.metrics.counter/gauge/histogram`, which return the existing metric when the name is
 * already registered (so a plugin registered twice, or two plugins sharing a name, never throw).
 *
 *   const accepted = app.metrics.counter({ name: 'sentrypulse_collect_accepted_total', help: '...' });
 *   accepted.inc();
 */
export interface ApiMetrics extends MetricFactories {
  registry: Registry;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ApiMetrics;
  }
  interface FastifyRequest {
    metricsStart: bigint | undefined;
  }
}

/** Seconds; from a cached 5 ms answer to a slow stats query. */
export const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createApiMetrics(): ApiMetrics {
  // One registry per app instance (not prom-client's global one): tests build many apps in one
  // process, and each must count only its own requests.
  const registry = new Registry();
  collectProcessMetrics(registry, 'sentrypulse_api_');
  return { registry, ...metricsFor(registry) };
}

/**
 * Decorates `app.metrics` and times every request into `sentrypulse_http_request_duration_seconds`
 * by route template (never the raw URL, which would make a series per monitor id). Registered at
 * the root, so it times the collect endpoint's own context too (ADR 0035). The hooks take a
 * callback rather than returning a promise: they run on every request, and a promise per hook
 * per request is measurable at ingest rates.
 */
export const metricsPlugin = fp(async (app: FastifyInstance) => {
  const metrics = createApiMetrics();
  app.decorate('metrics', metrics);
  app.decorateRequest('metricsStart', undefined);

  const duration = metrics.histogram({
    name: 'sentrypulse_http_request_duration_seconds',
    help: 'HTTP request latency of the API by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_BUCKETS,
  });

  // Transactions re-run after a deadlock or lock-wait timeout (transactionWithRetry, ADR 0104):
  // counted from the process totals at scrape time, each one logged as it happens.
  metrics.counter({
    name: 'sentrypulse_db_lock_retries_total',
    help: 'Transactions re-run (outcome retry) or given up (outcome gave_up) after an InnoDB deadlock or lock-wait timeout',
    labelNames: ['reason', 'outcome'] as const,
    collect() {
      this.reset();
      for (const [key, n] of Object.entries(lockRetryTotals())) {
        const [reason, outcome] = key.split(':');
        this.inc({ reason, outcome }, n);
      }
    },
  });
  const unsubscribe = onLockRetry((e) => app.log.warn({ transaction: e.label, reason: e.reason, attempt: e.attempt, outcome: e.outcome, delayMs: e.delayMs }, 'database lock conflict'));
  app.addHook('onClose', (_app, done) => {
    unsubscribe();
    done();
  });

  app.addHook('onRequest', (req, _reply, done) => {
    req.metricsStart = process.hrtime.bigint();
    done();
  });
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url;
    if (req.metricsStart !== undefined && route !== '/metrics') {
      const seconds = Number(process.hrtime.bigint() - req.metricsStart) / 1e9;
      duration.observe({ method: req.method, route: route ?? 'unmatched', status_code: String(reply.statusCode) }, seconds);
    }
    done();
  });
});

/**
 * `GET /metrics` outside the /api prefix: nginx answers 404 for it, Prometheus scrapes the api
 * on the internal network (docs/operations.md). In the API's main context (security headers).
 */
export const metricsRoute = fp(async (app: FastifyInstance) => {
  const metrics = app.metrics;
  app.get(
    '/metrics',
    { config: { public: true, rateLimit: false }, schema: { hide: true } },
    async (_req, reply) => {
      const body = await metrics.registry.metrics();
      return reply.header('content-type', metrics.registry.contentType).header('cache-control', 'no-store').send(body);
    },
  );
});
