// Child process of bench/ingest/run.ts: the baseline — a bare Fastify route that only parses
// the JSON body (sent as text/plain, like the tracker) and answers 202.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../apps/api/package.json', import.meta.url));
const Fastify = require('fastify') as typeof import('fastify').default;
const app = Fastify({ logger: false });
app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => {
  try {
    done(null, JSON.parse(body as string));
  } catch (err) {
    done(err as Error, undefined);
  }
});
app.post('/api/analytics/collect', async (_req, reply) => reply.code(202).send());
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`READY ${(app.server.address() as { port: number }).port}\n`);
process.on('SIGTERM', async () => {
  await app.close();
  process.exit(0);
});
