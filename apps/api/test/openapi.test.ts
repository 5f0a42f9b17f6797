import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiTypes } from '../src/cli/openapi-document';
import { deriveOperationId } from '../src/plugins/openapi';
import { ContractChecker } from './contract';
import { createTestApp, type TestApp } from './helpers';

/**
 * The OpenAPI document as a contract integrators generate clients from (issue 18, ADR 0140).
 * These run over every route the app has, so a route added later is held to the same rules; the
 * answers themselves are checked against the document by the contract checker every test app
 * carries (./contract.ts).
 */

type Json = Record<string, any>;
let t: TestApp;
let doc: Json;
const ops: Array<{ path: string; method: string; op: Json }> = [];

beforeAll(async () => {
  t = await createTestApp();
  const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item)) ops.push({ path, method, op });
  }
});
afterAll(() => t.close());

const op = (path: string, method: string) => doc.paths[path]?.[method];
const problemOf = (o: Json, status: number) => o.responses[String(status)]?.content?.['application/problem+json']?.schema;

describe('every operation', () => {
  it('documents every route of the app (hidden ones aside)', () => {
    const hidden = new Set(['/api/openapi.json', '/metrics']);
    const routes = t.app.routeCatalog.filter((r) => !r.url.startsWith('/api/docs') && !hidden.has(r.url));
    for (const r of routes) expect(op(r.url.replace(/:(\w+)/g, '{$1}'), r.method.toLowerCase()), `${r.method} ${r.url}`).toBeDefined();
    expect(ops.length).toBe(routes.length);
  });

  it('has a unique operationId, a summary and a tag', () => {
    const ids = ops.map((o) => o.op.operationId);
    expect(ids.filter((id) => typeof id !== 'string' || !/^[a-z][A-Za-z0-9]*$/.test(id))).toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(ops.filter((o) => !o.op.summary?.trim()).map((o) => `${o.method} ${o.path}`)).toEqual([]);
    expect(ops.filter((o) => !o.op.tags?.length).map((o) => `${o.method} ${o.path}`)).toEqual([]);
  });

  it('is public exactly when its route is, and then says security: []', () => {
    for (const r of t.app.routeCatalog) {
      const o = op(r.url.replace(/:(\w+)/g, '{$1}'), r.method.toLowerCase());
      if (!o) continue;
      if (r.public) expect(o.security, `${r.method} ${r.url}`).toEqual([]);
      else {
        expect(o.security, `${r.method} ${r.url}`).toBeUndefined(); // the document's bearer default
        expect(problemOf(o, 401), `${r.method} ${r.url}`).toEqual({ $ref: '#/components/schemas/Problem' });
      }
      if (r.permission) for (const s of [403, 404]) expect(problemOf(o, s), `${r.method} ${r.url} ${s}`).toBeDefined();
    }
    const publicOps = ops.filter((o) => Array.isArray(o.op.security) && o.op.security.length === 0).map((o) => `${o.method} ${o.path}`);
    expect(publicOps).toEqual(
      expect.arrayContaining([
        'get /tracker.js',
        'get /api/health',
        'get /api/ready',
        'post /api/auth/register',
        'post /api/auth/login',
        'post /api/auth/refresh',
        'post /api/auth/logout',
        'post /api/heartbeat/{token}',
        'get /api/invitations/{token}',
        'post /api/analytics/collect',
        'get /api/public/status-pages/{slug}',
        'get /api/public/status-pages/{slug}/feed.atom',
      ]),
    );
  });

  it('answers every 4xx as application/problem+json with the Problem schema, and 5XX likewise', () => {
    const wrong: string[] = [];
    for (const o of ops) {
      for (const [status, r] of Object.entries(o.op.responses as Record<string, Json>)) {
        if (!/^[45]/.test(status)) continue;
        if (o.path === '/api/ready' && status === '503') continue; // the readiness body, by design
        if (JSON.stringify(r.content) !== JSON.stringify({ 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } })) {
          wrong.push(`${o.method} ${o.path} ${status}`);
        }
      }
      if (!o.op.responses['5XX'] && o.path !== '/api/ready') wrong.push(`${o.method} ${o.path} has no 5XX`);
    }
    expect(wrong).toEqual([]);
    expect(doc.components.schemas.Problem.required).toEqual(['type', 'title', 'status']);
  });

  it('has request bodies and 2xx bodies as named components ($ref), never inline objects', () => {
    const inline: string[] = [];
    for (const o of ops) {
      for (const [type, media] of Object.entries((o.op.requestBody?.content ?? {}) as Record<string, Json>)) {
        if (media.schema.type === 'object') inline.push(`${o.method} ${o.path} body ${type}`);
      }
      for (const [status, r] of Object.entries(o.op.responses as Record<string, Json>)) {
        for (const media of Object.values((r.content ?? {}) as Record<string, Json>)) {
          if (media.schema.type === 'object') {
            inline.push(`${o.method} ${o.path} ${status}`);
          }
        }
      }
    }
    expect(inline).toEqual([]);
    expect(Object.keys(doc.components.schemas).length).toBeGreaterThan(50);
    // A route's own inline schema is named after its operation.
    expect(op('/api/health', 'get').responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/GetHealthResponse' });
    expect(doc.components.schemas.GetHealthResponse).toMatchObject({ type: 'object', properties: { status: { enum: ['ok'] } } });
  });
});

describe('real status codes and media types', () => {
  it('DELETE answers 204 without a body', () => {
    const deletes = ops.filter((o) => o.method === 'delete');
    expect(deletes.length).toBeGreaterThan(5);
    for (const o of deletes) expect(o.op.responses['204'], o.path).toEqual({ description: 'No content' });
  });

  it('collect: text/plain or JSON body, 202 without a body, 404 for an unknown site, 429 and 503', () => {
    const collect = op('/api/analytics/collect', 'post');
    expect(Object.keys(collect.requestBody.content)).toEqual(['application/json', 'text/plain']);
    expect(collect.responses['202']).toEqual({ description: 'Accepted; no body' });
    expect(collect.responses['200']).toBeUndefined();
    for (const s of [400, 403, 404, 413, 415, 429, 503]) expect(problemOf(collect, s), String(s)).toBeDefined();
    expect(collect.responses['429'].headers['retry-after']).toBeDefined();
  });

  it('heartbeat takes an optional text/plain body; export is text/csv; feed is Atom; badge is SVG; tracker is JavaScript', () => {
    const beat = op('/api/heartbeat/{token}', 'post');
    expect(beat.requestBody).toMatchObject({ required: false, content: { 'text/plain': { schema: { type: 'string' } } } });
    expect(Object.keys(op('/api/teams/{teamId}/sites/{siteId}/export', 'get').responses['200'].content)).toEqual(['text/csv']);
    expect(Object.keys(op('/api/public/status-pages/{slug}/feed.atom', 'get').responses['200'].content)).toEqual(['application/atom+xml']);
    expect(Object.keys(op('/api/public/status-pages/{slug}/badge.svg', 'get').responses['200'].content)).toEqual(['image/svg+xml']);
    expect(Object.keys(op('/tracker.js', 'get').responses['200'].content)).toEqual(['application/javascript']);
    expect(op('/tracker.js', 'get').responses['304']).toBeDefined();
  });

  it('creates answer 201, conflicts are declared where the service raises them', () => {
    expect(op('/api/teams/{teamId}/monitors', 'post').responses['201']).toBeDefined();
    expect(problemOf(op('/api/auth/register', 'post'), 409)).toBeDefined();
    expect(problemOf(op('/api/invitations/{token}/accept', 'post'), 410)).toBeDefined();
  });
});

describe('schemas as strict as the server', () => {
  const schemas = () => doc.components.schemas as Record<string, any>;

  it('emails are format: email and URLs the server requires absolute are format: uri', () => {
    expect(schemas().RegisterBody.properties.email).toMatchObject({ type: 'string', format: 'email', maxLength: 254 });
    expect(schemas().CreateMonitorBody.properties.url.anyOf?.[0] ?? schemas().CreateMonitorBody.properties.url).toMatchObject({ format: 'uri' });
    expect(JSON.stringify(schemas().WebhookConfig)).toContain('"format":"uri"');
  });

  it('ids in paths and bodies stop at 2^31-1, as the database does', () => {
    const teamId = op('/api/teams/{teamId}', 'get').parameters.find((p: Json) => p.name === 'teamId');
    expect(teamId.schema).toMatchObject({ type: 'integer', maximum: 2 ** 31 - 1 });
    expect(schemas().Monitor.properties.id).toMatchObject({ type: 'integer', maximum: 2 ** 31 - 1 });
  });

  it('describes the document itself: 3.1, license, servers', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.license.name).toBeTruthy();
    expect(doc.servers).toEqual([expect.objectContaining({ url: t.config.apiPublicUrl })]);
  });
});

describe('operationId derivation (what a new route gets without writing one)', () => {
  it.each([
    ['GET', '/api/teams/:teamId/monitors', { lists: true }, 'listMonitors'],
    ['GET', '/api/teams/:teamId/monitors/:monitorId', {}, 'getMonitor'],
    ['POST', '/api/teams/:teamId/monitors', { creates: true }, 'createMonitor'],
    ['PATCH', '/api/teams/:teamId/monitors/:monitorId', {}, 'updateMonitor'],
    ['DELETE', '/api/teams/:teamId/monitors/:monitorId', {}, 'deleteMonitor'],
    ['POST', '/api/teams/:teamId/monitors/:monitorId/pause', {}, 'pauseMonitor'],
    ['POST', '/api/teams/:teamId/incidents/:incidentId/updates', { creates: true }, 'createIncidentUpdate'],
    ['GET', '/api/teams/:teamId/status-pages/:statusPageId/subscribers', { lists: true }, 'listStatusPageSubscribers'],
    ['POST', '/api/teams/:teamId/escalation-policies', { creates: true }, 'createEscalationPolicy'],
    ['GET', '/api/teams/:teamId/sites/:siteId/stats', {}, 'getSiteStats'],
  ])('%s %s → %s', (method, url, opts, id) => {
    expect(deriveOperationId(method, url, opts)).toBe(id);
  });
});

describe('generated client types (openapi-typescript)', () => {
  it('match the committed apps/api/openapi/schema.d.ts (run `pnpm --filter @sentrypulse/api openapi:types` after changing a route)', async () => {
    const committed = readFileSync(join(import.meta.dirname, '../openapi/schema.d.ts'), 'utf8');
    const generated = await openApiTypes(doc);
    expect(generated === committed, 'apps/api/openapi/schema.d.ts is stale: pnpm --filter @sentrypulse/api openapi:types').toBe(true);
    expect(generated).toContain('createMonitor: {');
  });
});

describe('the contract checker every test app carries', () => {
  it('flags an undocumented status, an undocumented media type, a body off its schema, and a no-route answer that is not a problem', async () => {
    const checker = new ContractChecker(() => t.app);
    const req = (url: string | undefined, method = 'GET') => ({ method, routeOptions: { url } }) as never;
    const reply = (statusCode: number, type: string) => ({ statusCode, getHeader: (h: string) => (h === 'content-type' ? type : undefined) }) as never;
    const monitor = '/api/teams/:teamId/monitors/:monitorId';
    const health = (await t.app.inject({ method: 'GET', url: '/api/health' })).body;
    await checker.hook(req('/api/health'), reply(200, 'application/json; charset=utf-8'), health);
    expect(checker.mismatches).toEqual([]);
    await checker.hook(req(monitor), reply(418, 'application/problem+json'), '{"type":"x","title":"x","status":418}');
    await checker.hook(req(monitor), reply(404, 'application/json'), '{"type":"x","title":"x","status":404}');
    await checker.hook(req(monitor), reply(200, 'application/json'), JSON.stringify({ id: 'seven' }));
    await checker.hook(req(monitor, 'DELETE'), reply(204, 'application/json'), '{"ok":true}');
    await checker.hook(req(undefined), reply(404, 'text/html'), '<h1>nope</h1>');
    expect(checker.mismatches).toEqual([
      expect.stringMatching(/GET .* → 418: status 418 is not documented/),
      expect.stringMatching(/GET .* → 404: Content-Type application\/json is not documented/),
      expect.stringMatching(/GET .* → 200: body does not match the schema/),
      expect.stringMatching(/DELETE .* → 204: a body \(application\/json\) where the document says none/),
      expect.stringMatching(/\(no route\) → 404: Content-Type text\/html, not application\/problem\+json/),
    ]);
  });
});
