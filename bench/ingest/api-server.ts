// Child process of bench/ingest/run.ts: the real API (buildApp) on 127.0.0.1, ephemeral port.
import { loadConfig } from '../../packages/shared/src/config';
import { buildApp } from '../../apps/api/src/app';

const config = loadConfig(process.env);
const app = await buildApp(config, { logger: false });
await app.listen({ host: '127.0.0.1', port: 0 });
const addr = app.server.address() as { port: number };
process.stdout.write(`READY ${addr.port}\n`);
process.on('SIGTERM', async () => {
  await app.close(); // flushes the ingest buffer
  process.exit(0);
});
