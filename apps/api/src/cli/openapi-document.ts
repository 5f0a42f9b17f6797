import type { Config } from '@sentrypulse/shared/config';
import { buildApp } from '../app';

/** The document GET /api/openapi.json serves, from an app that is built but never listens. */
export async function openApiDocument(config: Config): Promise<Record<string, unknown>> {
  const app = await buildApp(config, { logger: false });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}

/**
 * The TypeScript types openapi-typescript (a dev dependency, loaded only here) makes of the
 * document; the server URL is left out so the output does not depend on API_PUBLIC_URL.
 */
export async function openApiTypes(doc: Record<string, unknown>): Promise<string> {
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const ast = await openapiTS({ ...doc, servers: [] } as never, { alphabetize: true });
  return `// Generated from the OpenAPI document by openapi-typescript: pnpm --filter @sentrypulse/api openapi:types\n// Do not edit; the contract test (apps/api/test/openapi.test.ts) fails when this file is stale.\n${astToString(ast)}`;
}
