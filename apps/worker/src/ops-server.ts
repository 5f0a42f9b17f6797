import { sql } from '@sentrypulse/db';
import { createServer, type Server } from 'node:http';
import type { WorkerContext } from './context';

/** Liveness and readiness for the worker process (orchestrators probe these). */
export function startOpsServer(ctx: WorkerContext, port: number): Promise<Server> {
  const server = createServer(async (req, res) => {
    const url = req.url?.split('?')[0];
    if (url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (url === '/ready') {
      const [mysql, redis] = await Promise.all([
        sql`SELECT 1`.execute(ctx.db).then(() => true, () => false),
        ctx.redis.ping().then(() => true, () => false),
      ]);
      const ok = mysql && redis;
      res
        .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: ok ? 'ready' : 'unavailable', mysql, redis }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/problem+json' }).end(
      JSON.stringify({ type: 'https://sentrypulse.dev/problems/not-found', title: 'Not found', status: 404 }),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve(server));
  });
}
