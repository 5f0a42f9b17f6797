import { sql } from '@sentrypulse/db';
import { QUEUE_NAMES } from '@sentrypulse/jobs';
import { ingestStreamKey, withTimeout } from '@sentrypulse/shared';
import { createServer, type Server } from 'node:http';
import type { WorkerContext } from './context';
import { producerFor } from './jobs';
import { registry, watchQueueNames, watchStream } from './metrics';

/** Liveness and readiness for the worker process (orchestrators probe these). */
export function startOpsServer(ctx: WorkerContext, port: number): Promise<Server> {
  const server = createServer(async (req, res) => {
    const url = req.url?.split('?')[0];
    if (url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (url === '/ready') {
      // Bounded: the shared Redis connection queues commands while reconnecting, and a probe
      // that hangs is worse than one that says "unavailable".
      const [mysql, redis] = await Promise.all([
        withTimeout(sql`SELECT 1`.execute(ctx.db), 2_000).then(() => true, () => false),
        withTimeout(ctx.redis.ping(), 2_000).then(() => true, () => false),
      ]);
      const ok = mysql && redis;
      res
        .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: ok ? 'ready' : 'unavailable', mysql, redis }));
      return;
    }
    if (url === '/metrics') {
      const body = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(body);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/problem+json' }).end(
      JSON.stringify({ type: 'https://sentrypulse.dev/problems/not-found', title: 'Not found', status: 404 }),
    );
  });
  // Every queue of the jobs package, reported in sentrypulse_queue_jobs.
  const stopQueues = watchQueueNames(producerFor(ctx), QUEUE_NAMES);
  const stopStream = watchStream(ctx.redis, ingestStreamKey(ctx.config.redisPrefix));
  server.once('close', () => {
    stopStream();
    void stopQueues();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve(server));
  });
}
