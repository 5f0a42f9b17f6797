/**
 * pnpm --filter @sentrypulse/api openapi [out.json]
 * pnpm --filter @sentrypulse/api openapi:types      (writes apps/api/openapi/schema.d.ts)
 *
 * Writes the OpenAPI document (the one GET /api/openapi.json serves) without a running server
 * or database: the app is built, not listened on, and no route is called. Prints to stdout when
 * no file is given. With --types, writes the TypeScript types openapi-typescript generates from
 * it instead (the committed file the contract test compares against).
 */
import { loadConfig } from '@sentrypulse/shared/config';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openApiDocument, openApiTypes } from './openapi-document';

const args = process.argv.slice(2);
const types = args.includes('--types');
const out = args.find((a) => !a.startsWith('--'));
const config = loadConfig({
  ...process.env,
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  JWT_SECRET: process.env.JWT_SECRET ?? 'openapi-dump-secret-that-is-long-enough',
  // Nothing is queried; an unreachable Redis only logs (lazyConnect) and the pool is lazy.
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:1',
});
const doc = await openApiDocument(config);
const text = types ? await openApiTypes(doc) : `${JSON.stringify(doc, null, 2)}\n`;
if (out) {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
} else process.stdout.write(text);
