import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appendFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * Checks every answer a test app gives against the app's own OpenAPI document (issue 18): the
 * status must be documented for the operation (or fall in a documented range such as 5XX), the
 * Content-Type must be one the response lists (none for a bodiless one), and a JSON body must
 * validate (ajv, JSON Schema 2020-12, formats on) against the response schema. Answers of no
 * route (404, 405, 414, bad URL) must be problem+json. Stricter than the document in one way: a
 * 4xx is never accepted through a range or `default`.
 *
 * createTestApp installs it (an onSend hook at the root, before any plugin) and its close()
 * fails the test file when anything did not match. CONTRACT_REPORT=<file> also appends each
 * mismatch as a JSON line, for counting over a whole run.
 */

type Json = Record<string, unknown>;
const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);
/** Answered by routes the document leaves out on purpose (schema.hide). */
const UNDOCUMENTED = [/^\/api\/docs/, /^\/metrics$/, /^\/api\/openapi\.json$/];

const pointer = (...parts: string[]) => parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

export class ContractChecker {
  readonly mismatches: string[] = [];
  private doc: Json | null = null;
  private ajv: Ajv2020 | null = null;
  private readonly validators = new Map<string, ValidateFunction>();
  checked = 0;

  constructor(private readonly app: () => FastifyInstance) {}

  /** The onSend hook. Never throws: a mismatch is recorded, the answer goes out unchanged. */
  readonly hook = async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    try {
      this.check(req, reply, payload);
    } catch (err) {
      this.record(req, reply.statusCode, `checker failed: ${(err as Error).message}`);
    }
    return payload;
  };

  private load() {
    if (this.doc) return;
    this.doc = JSON.parse(JSON.stringify(this.app().swagger())) as Json;
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addSchema(this.doc, 'openapi.json');
  }

  /** With CONTRACT_REPORT set, one line with how many answers this app had checked. */
  report() {
    if (process.env.CONTRACT_REPORT) appendFileSync(process.env.CONTRACT_REPORT, `${JSON.stringify({ checked: this.checked, mismatches: this.mismatches.length })}\n`);
  }

  private record(req: FastifyRequest, status: number, message: string) {
    const line = `${req.method} ${req.routeOptions.url ?? '(no route)'} → ${status}: ${message}`;
    this.mismatches.push(line);
    if (process.env.CONTRACT_REPORT) {
      appendFileSync(
        process.env.CONTRACT_REPORT,
        `${JSON.stringify({ method: req.method, route: req.routeOptions.url ?? null, status, message })}\n`,
      );
    }
  }

  private check(req: FastifyRequest, reply: FastifyReply, payload: unknown) {
    const status = reply.statusCode;
    const type = String(reply.getHeader('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const route = req.routeOptions.url;
    if (!route) {
      // No route matched: the not-found handler, or a framework error before routing.
      if (status >= 400 && type !== 'application/problem+json') this.record(req, status, `Content-Type ${type || '(none)'}, not application/problem+json`);
      return;
    }
    if (UNDOCUMENTED.some((re) => re.test(route))) return;
    this.load();
    this.checked += 1;
    const path = route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const method = req.method === 'HEAD' ? 'get' : req.method.toLowerCase();
    if (!METHODS.has(method)) return;
    const op = ((this.doc!.paths as Json)[path] as Json | undefined)?.[method] as Json | undefined;
    if (!op) {
      this.record(req, status, `no operation ${method.toUpperCase()} ${path} in the document`);
      return;
    }
    const responses = op.responses as Record<string, Json>;
    const key = String(status) in responses ? String(status) : status >= 500 && `${String(status)[0]}XX` in responses ? `${String(status)[0]}XX` : null;
    if (!key) {
      this.record(req, status, `status ${status} is not documented (documented: ${Object.keys(responses).join(', ')})`);
      return;
    }
    const response = responses[key]!;
    const content = response.content as Record<string, Json> | undefined;
    const body = this.bodyOf(reply, payload);
    if (!content) {
      if (body !== null && body.length > 0) this.record(req, status, `a body (${type}) where the document says none`);
      return;
    }
    if (req.method === 'HEAD') return;
    if (!(type in content)) {
      this.record(req, status, `Content-Type ${type || '(none)'} is not documented (documented: ${Object.keys(content).join(', ')})`);
      return;
    }
    if (body === null) return; // a stream: not read here
    if (!type.includes('json')) return; // text bodies are documented as strings
    let data: unknown;
    try {
      data = body.length ? JSON.parse(body.toString('utf8')) : undefined;
    } catch {
      this.record(req, status, 'the body is not valid JSON');
      return;
    }
    const ref = `openapi.json#/${pointer('paths', path, method, 'responses', key, 'content', type, 'schema')}`;
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv!.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    if (!validate(data)) {
      const errors = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
      this.record(req, status, `body does not match the schema: ${errors.join('; ')}`);
    }
  }

  /** The payload as bytes (gunzipped), null for a stream. */
  private bodyOf(reply: FastifyReply, payload: unknown): Buffer | null {
    if (payload === undefined || payload === null) return Buffer.alloc(0);
    let bytes: Buffer;
    if (typeof payload === 'string') bytes = Buffer.from(payload);
    else if (Buffer.isBuffer(payload)) bytes = payload;
    else return null;
    if (String(reply.getHeader('content-encoding') ?? '') === 'gzip' && bytes.length) bytes = gunzipSync(bytes);
    return bytes;
  }
}
