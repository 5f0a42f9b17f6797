/**
 * pnpm --filter @sentrypulse/api openapi [out.json]
 *
 * Writes the OpenAPI document (the one GET /api/openapi.json serves) without a running server
 * or database: the app is built, not listened on, and no route is called. Prints to stdout when
 * no file is given.
 */
import { loadConfig } from '@sentrypulse/shared/config';
import { writeFileSync } from 'node:fs';
import { buildApp } from '../app';

const out = process.argv[2];
const config = loadConfig({
  ...process.env,
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  JWT_SECRET: process.env.JWT_SECRET ?? 'openapi-dump-secret-that-is-long-enough',
  // Nothing is queried; an unreachable Redis only logs (lazyConnect) and the pool is lazy.
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:1',
});
const app = await buildApp(config, { logger: false });
await app.ready();
const json = `${JSON.stringify(app.swagger(), null, 2)}\n`;
await app.close();
if (out) writeFileSync(out, json);
else process.stdout.write(json);
