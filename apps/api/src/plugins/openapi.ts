import * as shared from '@sentrypulse/shared';
import type { RouteOptions } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { $ZodRegistry, type $ZodType } from 'zod/v4/core';

/**
 * The one place that turns the routes into an OpenAPI contract integrators can generate
 * clients from (ADR 0140). A route declares only what it alone knows: `summary` (and, where it
 * answers them, `problems` such as 409, and `produces` for a non-JSON body); everything a
 * route's options already say is derived here:
 *
 * - operationId from the method and path (`listMonitors`, `getMonitor`, `pauseMonitor`),
 *   unless the route sets `schema.operationId`; tags from the feature (the first path segment
 *   after `/api` and `/teams/:teamId`) unless it sets `schema.tags`;
 * - `security: []` from `config.public`;
 * - application/problem+json responses from the route's options: 401 unless public; 403 and 404
 *   from `config.permission`; 404 and 414 for path parameters; 400 for any validated input; 413
 *   and 415 for a body; 429 unless `config.rateLimit === false`; plus `schema.problems`;
 * - a 204 for a DELETE without a success schema (or a route with `schema.noContent`), a 302 for
 *   `schema.redirects`; a text body (`{type: string}` under each media
 *   type) for a route that declares `produces` and no success schema;
 * - named component schemas: every object, enum and union exported by `@sentrypulse/shared`
 *   becomes `#/components/schemas/<ExportName>`, referenced with `$ref`; unused ones are dropped
 *   and an input variant identical to (or without) its output variant takes the plain name.
 */

declare module 'fastify' {
  interface FastifySchema {
    /** Problem statuses the route answers beyond those derived from its options (e.g. 409). */
    problems?: readonly number[];
    /** The route answers 204 with no body on success (a DELETE without a success schema does anyway). */
    noContent?: true;
    /** The route answers 302 with a `Location` (a browser-facing step of a sign-in flow). */
    redirects?: true;
    /** With `produces` holding a JSON type: the export name of the shared schema of that body. */
    producesJson?: string;
  }
}

export const PROBLEM_TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  431: 'Request header fields too large',
  503: 'Service unavailable',
};

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'The input is invalid (problem details with `errors[]` naming each field).',
  401: 'No valid access token.',
  403: 'Forbidden: the role lacks the permission, a plan limit is reached, or the resource is disabled.',
  404: 'Not found: an unknown id, token or site (a resource of another team answers 404 too).',
  409: 'Conflicts with the current state (e.g. a duplicate).',
  410: 'No longer available.',
  413: 'The request body is larger than the endpoint accepts.',
  414: 'A path segment is longer than the API accepts.',
  415: 'The body has a Content-Type the endpoint does not accept.',
  429: 'Rate limited; retry after `Retry-After` seconds.',
  503: 'A dependency is unavailable; retry shortly.',
};

const SUCCESS_DESCRIPTIONS: Record<string, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No content',
  304: 'Not modified',
};

/** Bodiless answers a route declares in `response` (the serializer never runs on them). */
export const NotModified = z.undefined().describe('Not modified: If-None-Match matched the ETag');
export const AcceptedEmpty = z.undefined().describe('Accepted; no body');

/** Longest path segment the router matches (Fastify's maxParamLength); longer answers 414. */
export const MAX_PATH_SEGMENT = 100;

const COMPONENT_KINDS = new Set(['object', 'enum', 'union', 'intersection', 'record']);

/**
 * The registry of named components: the shared package's exported object, enum and union
 * schemas under their export names. Its metadata falls back to zod's global registry, so
 * `.describe()` texts of nested fields still reach the document. Names ending in `Input` are
 * left inline (the library names a schema's input variant `<Name>Input`).
 */
class FallbackMap extends WeakMap<$ZodType, Record<string, unknown>> {
  constructor(private readonly fallback: WeakMap<$ZodType, Record<string, unknown>>) {
    super();
  }
  override get(key: $ZodType) {
    return super.get(key) ?? this.fallback.get(key);
  }
  override has(key: $ZodType) {
    return super.has(key) || this.fallback.has(key);
  }
}

function registryOver(global: $ZodRegistry<Record<string, unknown>>): $ZodRegistry<{ id?: string }> {
  const registry = new $ZodRegistry<{ id?: string }>();
  (registry as unknown as { _map: WeakMap<$ZodType, Record<string, unknown>> })._map = new FallbackMap(
    (global as unknown as { _map: WeakMap<$ZodType, Record<string, unknown>> })._map,
  );
  return registry;
}

const globalMeta = z.globalRegistry as unknown as $ZodRegistry<Record<string, unknown>>;
export const componentRegistry = registryOver(globalMeta);
/** No ids: parameters and query strings are always inlined (the generator cannot expand a $ref there). */
const inlineRegistry = registryOver(globalMeta);

for (const [name, value] of Object.entries(shared)) {
  if (!(value instanceof z.ZodType) || !/^[A-Z]/.test(name) || name.endsWith('Input')) continue;
  if (!COMPONENT_KINDS.has(value._zod.def.type) || componentRegistry.has(value)) continue;
  componentRegistry.add(value, { ...(z.globalRegistry.get(value) ?? {}), id: name });
}

const withRefs = createJsonSchemaTransform({ schemaRegistry: componentRegistry, skipList: [] });
const inline = createJsonSchemaTransform({ schemaRegistry: inlineRegistry, skipList: [] });
const componentsOf = createJsonSchemaTransformObject({ schemaRegistry: componentRegistry });

type Json = Record<string, unknown>;
type TransformInput = Parameters<typeof withRefs>[0];

const problemRef = { $ref: '#/components/schemas/Problem' };

function problemResponse(status: number): Json {
  const response: Json = {
    'x-response-description': PROBLEM_DESCRIPTIONS[status] ?? PROBLEM_TITLES[status] ?? 'Problem',
    content: { 'application/problem+json': { schema: problemRef } },
  };
  if (status === 429) response.headers = { 'retry-after': { type: 'integer', description: 'Seconds to wait' } };
  if (status === 401) response.headers = { 'www-authenticate': { type: 'string', description: '`Bearer`' } };
  return response;
}

const pascal = (s: string) =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

function singular(word: string): string {
  if (/ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(ss|us|is)$/.test(word)) return word;
  if (/s$/.test(word)) return word.slice(0, -1);
  return word;
}

/** The path's segments without `/api`, and without `/teams/:teamId` when more follows. */
function featureSegments(url: string): string[] {
  const segments = url.split('/').filter(Boolean);
  if (segments[0] === 'api') segments.shift();
  if (segments[0] === 'teams' && segments[1] === ':teamId' && segments.length > 2) segments.splice(0, 2);
  return segments;
}

/**
 * `listMonitors`, `getMonitor`, `createMonitor`, `updateMonitor`, `deleteMonitor`,
 * `pauseMonitor`, `createIncidentUpdate`…: the path's nouns (a segment followed by its id is
 * singular) after a verb from the method. A GET answering `{items}` lists; a POST answering 201
 * creates; another POST after an id is the action its last segment names.
 */
export function deriveOperationId(method: string, url: string, opts: { lists?: boolean; creates?: boolean } = {}): string {
  const segments = featureSegments(url);
  const isParam = (s: string | undefined) => s !== undefined && s.startsWith(':');
  const nouns: string[] = [];
  segments.forEach((s, i) => {
    if (!isParam(s)) nouns.push(pascal(isParam(segments[i + 1]) ? singular(s) : s));
  });
  const last = segments[segments.length - 1];
  const staticLast = last !== undefined && !isParam(last);
  const afterParam = staticLast && isParam(segments[segments.length - 2]);
  const camel = (words: string[]) => (words.length ? `${words[0]![0]!.toLowerCase()}${words[0]!.slice(1)}${words.slice(1).join('')}` : '');
  switch (method.toUpperCase()) {
    case 'GET':
      return `${opts.lists ? 'list' : 'get'}${nouns.join('')}`;
    case 'PATCH':
      return `update${nouns.join('')}`;
    case 'PUT':
      return `set${nouns.join('')}`;
    case 'DELETE':
      return `delete${nouns.join('')}`;
    case 'POST':
      if (staticLast && opts.creates) {
        nouns[nouns.length - 1] = pascal(singular(last));
        return `create${nouns.join('')}`;
      }
      if (afterParam) return camel([nouns[nouns.length - 1]!, ...nouns.slice(0, -1)]);
      return staticLast ? camel(nouns) : `post${nouns.join('')}`;
    default:
      return `${method.toLowerCase()}${nouns.join('')}`;
  }
}

/** The feature's tag: `monitors` for /api/teams/:teamId/monitors/…, `auth` for /api/auth/…. */
export function deriveTag(url: string): string {
  const first = featureSegments(url).find((s) => !s.startsWith(':'));
  return (first ?? 'operations').replace(/[-_.]/g, ' ');
}

const hasParams = (url: string) => /\/:[A-Za-z]/.test(url);

/** Per route: the zod → JSON Schema conversion plus what the route's options imply. */
export function transform(input: TransformInput) {
  const { route, url } = input as TransformInput & { route: RouteOptions };
  const source = (input.schema ?? {}) as Json;
  const referenced = withRefs(input) as { schema: Json; url: string };
  if (referenced.schema?.hide) return referenced;
  const inlined = inline(input) as { schema: Json; url: string };
  const schema: Json = { ...referenced.schema };
  for (const part of ['params', 'querystring', 'headers'] as const) {
    if (inlined.schema[part]) schema[part] = inlined.schema[part];
  }

  const config = (route.config ?? {}) as { public?: boolean; permission?: string; rateLimit?: unknown; acceptTextPlain?: boolean };
  const method = (Array.isArray(route.method) ? route.method[0] : route.method) as string;
  const sourceResponse = (source.response ?? {}) as Record<string, unknown>;
  const ok = sourceResponse[200];
  schema.operationId ??= deriveOperationId(method, url, {
    lists: ok instanceof z.ZodObject && 'items' in ok.shape,
    creates: 201 in sourceResponse,
  });
  if (!(schema.tags as string[] | undefined)?.length) schema.tags = [deriveTag(url)];
  if (config.public) schema.security = [];

  const response: Json = { ...((schema.response as Json | undefined) ?? {}) };
  for (const [status, r] of Object.entries(response)) {
    const description = SUCCESS_DESCRIPTIONS[status];
    if (description && r && typeof r === 'object' && !(r as Json).description && !(r as Json)['x-response-description']) {
      response[status] = { ...(r as Json), 'x-response-description': description };
    }
  }
  const hasSuccess = Object.keys(response).some((s) => /^2/.test(s));
  const produces = source.produces as string[] | undefined;
  if (!hasSuccess && produces?.length) {
    response[200] = {
      'x-response-description': 'OK',
      // Text bodies are strings; a JSON alternative (a badge's shields.io endpoint) is the named
      // shared schema the route gives in `producesJson`.
      content: Object.fromEntries(
        produces.map((type) => [type, { schema: type.includes('json') && source.producesJson ? { $ref: `#/components/schemas/${String(source.producesJson)}` } : { type: 'string' } }]),
      ),
    };
  } else if (!hasSuccess && (method === 'DELETE' || source.noContent)) {
    response[204] = { type: 'null', 'x-response-description': 'No content' };
  }
  if (source.redirects) response[302] = { type: 'null', 'x-response-description': 'Found: the browser goes on to the `Location` header.' };

  const problems = new Set<number>((source.problems as number[] | undefined) ?? []);
  if (!config.public) problems.add(401);
  if (config.permission) problems.add(403).add(404);
  if (hasParams(url)) problems.add(404).add(414);
  if (source.body || source.querystring || source.params || source.headers) problems.add(400);
  if (source.body || (config.acceptTextPlain && method !== 'GET')) problems.add(400).add(413).add(415);
  if (config.rateLimit !== false) problems.add(429);
  for (const status of [...problems].sort()) response[status] ??= problemResponse(status);
  // A dependency away (503) or a bug (500): always problem details, never a stack trace.
  response['5XX'] ??= { ...problemResponse(500), 'x-response-description': 'Server error: 503 when a dependency is unavailable (retry), 500 is a bug.' };
  schema.response = response;

  if (config.acceptTextPlain && !source.body && method !== 'GET') {
    // A body is accepted and ignored (a cron job's output): documented as optional text.
    schema.body = { type: 'string', description: 'Optional; ignored.' };
    schema.consumes = ['text/plain'];
    schema['x-body-optional'] = true;
  }
  delete schema.problems;
  delete schema.noContent;
  delete schema.redirects;
  delete schema.producesJson;
  return { schema, url: referenced.url };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** Every `#/components/schemas/<name>` the value mentions. */
function refsIn(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) out.add(v.slice(21));
      else refsIn(v, out);
    }
  }
  return out;
}

function renameRefs(value: unknown, from: string, to: string): unknown {
  if (Array.isArray(value)) return value.map((v) => renameRefs(v, from, to));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === '$ref' && v === `#/components/schemas/${from}` ? `#/components/schemas/${to}` : renameRefs(v, from, to)]),
    );
  }
  return value;
}

export interface DocumentOptions {
  serverUrl: string;
}

/** The whole document: components from the registry, pruned and named; optional bodies. */
export function transformObjectFor(opts: DocumentOptions) {
  return (input: Parameters<typeof componentsOf>[0]) => {
    let doc = componentsOf(input) as unknown as Json & { paths: Record<string, Json>; components: Json & { schemas: Record<string, Json> } };
    for (const item of Object.values(doc.paths)) {
      for (const m of METHODS) {
        const op = item[m] as Json | undefined;
        if (!op?.['x-body-optional']) continue;
        delete op['x-body-optional'];
        if (op.requestBody) (op.requestBody as Json).required = false;
      }
    }

    // Success responses whose schema carried no description.
    for (const item of Object.values(doc.paths)) {
      for (const m of METHODS) {
        const responses = (item[m] as Json | undefined)?.responses as Record<string, Json> | undefined;
        for (const [status, r] of Object.entries(responses ?? {})) {
          if (r.description === 'Default Response') r.description = SUCCESS_DESCRIPTIONS[status] ?? PROBLEM_TITLES[Number(status)] ?? 'Response';
        }
      }
    }

    // Inline object bodies (a route's own z.object) become components named after the operation,
    // so a generated client names every type: createWidget → CreateWidgetBody,
    // CreateWidgetResponse (201 and 200), CreateWidgetResponse202 for another 2xx.
    const named = doc.components.schemas;
    const byText = new Map<string, string>();
    const nameInline = (media: Record<string, Json> | undefined, name: string) => {
      const entries = Object.values(media ?? {});
      const first = entries[0]?.schema as Json | undefined;
      if (!first || first.$ref || (first.type !== 'object' && !first.anyOf && !first.oneOf && !first.allOf)) return;
      const text = JSON.stringify(first);
      if (!entries.every((e) => JSON.stringify(e.schema) === text)) return;
      let unique = byText.get(text) ?? name;
      for (let i = 2; named[unique] && JSON.stringify(named[unique]) !== text; i++) unique = `${name}${i}`;
      named[unique] = first;
      byText.set(text, unique);
      for (const e of entries) e.schema = { $ref: `#/components/schemas/${unique}` };
    };
    for (const item of Object.values(doc.paths)) {
      for (const m of METHODS) {
        const op = item[m] as Json | undefined;
        if (!op?.operationId) continue;
        const base = pascal(op.operationId as string);
        nameInline((op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined, `${base}Body`);
        for (const [status, r] of Object.entries((op.responses as Record<string, Json> | undefined) ?? {})) {
          if (!/^2/.test(status) && (r.content as Json | undefined)?.['application/problem+json']) continue;
          nameInline(r.content as Record<string, Json> | undefined, status === '200' || status === '201' ? `${base}Response` : `${base}Response${status}`);
        }
      }
    }

    // Keep only components reachable from the paths (transitively).
    const schemas = doc.components.schemas;
    const reachable = new Set<string>();
    const queue = [...refsIn(doc.paths, new Set())];
    while (queue.length) {
      const name = queue.pop()!;
      if (reachable.has(name) || !schemas[name]) continue;
      reachable.add(name);
      queue.push(...refsIn(schemas[name], new Set()));
    }
    // <Name>Input takes the plain name when <Name> is unused or identical.
    for (const name of [...reachable]) {
      if (!name.endsWith('Input')) continue;
      const plain = name.slice(0, -5);
      const same = reachable.has(plain) && JSON.stringify(schemas[plain]) === JSON.stringify(schemas[name]);
      if (reachable.has(plain) && !same) continue;
      doc = renameRefs(doc, name, plain) as typeof doc;
      doc.components.schemas[plain] = doc.components.schemas[name]!;
      reachable.delete(name);
      reachable.add(plain);
    }
    const kept = Object.fromEntries(
      Object.keys(doc.components.schemas)
        .filter((n) => reachable.has(n))
        .sort()
        .map((n) => [n, doc.components.schemas[n]!]),
    );
    doc.components = { ...doc.components, schemas: kept };
    doc.servers = [{ url: opts.serverUrl, description: 'This installation (API_PUBLIC_URL); paths start with /api' }];
    return doc as never;
  };
}
