// Child process of the HTTP benchmarks (bench/ingest, bench/status): the real API (buildApp) on
// 127.0.0.1, ephemeral port, configured from its environment like server.ts. Prints `READY <port>`.
// BENCH_PUBLIC_STATUS_CACHE=off serves the public status routes without their cache: the
// same-transport baseline of bench:status (the product always runs with it on).
import { loadConfig } from '@sentrypulse/shared/config';
import { buildApp } from '@sentrypulse/api';

const config = loadConfig(process.env);
const app = await buildApp(config, { logger: false, publicStatusCache: process.env.BENCH_PUBLIC_STATUS_CACHE !== 'off' });
await app.listen({ host: '127.0.0.1', port: 0 });
const addr = app.server.address() as { port: number };
process.stdout.write(`READY ${addr.port}\n`);
process.on('SIGTERM', async () => {
  await app.close(); // flushes the ingest buffer
  process.exit(0);
});
