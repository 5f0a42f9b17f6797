import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Socket } from 'node:net';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError } from '../errors';
import { MAX_PATH_SEGMENT, PROBLEM_TITLES } from './openapi';

export const PROBLEM_BASE = 'https://sentrypulse.dev/problems/';
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

const TITLES = PROBLEM_TITLES;

function slugFor(status: number): string {
  return (TITLES[status] ?? 'error').toLowerCase().replace(/\s+/g, '-');
}

/** Fastify's own 4xx errors (bad JSON, body too large, media type) carry an FST_ code. */
function fastifyDetail(err: FastifyError): string {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported Content-Type: send application/json.';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is larger than this endpoint accepts.';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The body is empty but Content-Type is application/json: send a JSON object.';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'The body is not valid JSON.';
    default:
      return err.message;
  }
}

export const problemPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    reply.type(PROBLEM_TYPE);

    if (hasZodFastifySchemaValidationErrors(err)) {
      const context = err.validationContext ?? 'body';
      const errors = err.validation.map((v) => {
        const path = [context, ...(v.instancePath ? v.instancePath.split('/').filter(Boolean) : [])].join('.');
        return { path, message: v.message ?? 'is invalid' };
      });
      return reply.code(400).send({
        type: `${PROBLEM_BASE}validation`,
        title: 'Validation failed',
        status: 400,
        detail: errors.map((e) => `${e.path}: ${e.message}`).join('; '),
        errors,
      });
    }

    if (err instanceof AppError) {
      if (err.status === 401) reply.header('www-authenticate', 'Bearer');
      if (err.status === 429 && typeof err.extensions.retry_after === 'number') reply.header('retry-after', String(err.extensions.retry_after));
      return reply.code(err.status).send({
        type: `${PROBLEM_BASE}${err.slug}`,
        title: err.title,
        status: err.status,
        detail: err.message,
        ...err.extensions,
      });
    }

    if (isResponseSerializationError(err)) {
      req.log.error({ err, issues: err.cause.issues }, 'response does not match its schema');
    }

    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      req.log.error({ err }, 'unhandled error');
      return reply.code(500).send({
        type: `${PROBLEM_BASE}internal`,
        title: 'Internal server error',
        status: 500,
        detail: `Something went wrong on our side. Request id: ${req.id}`,
      });
    }
    return reply.code(status).send({
      type: `${PROBLEM_BASE}${slugFor(status)}`,
      title: TITLES[status] ?? 'Client error',
      status,
      detail: fastifyDetail(err),
    });
  });
});

/**
 * Answers of no route, as problem+json and without echoing the URL (a probe's path or query is
 * not ours to reflect): 414 when a path segment is longer than the router matches (Fastify's
 * `maxParamLength`), 405 with `Allow` when the path exists for other methods, else 404.
 * Registered in the API's main context (not the root), so these pass through that context's hooks
 * (security headers, CORS) like every API answer.
 */
export const notFoundPlugin = fp(async (app: FastifyInstance) => {
  let patterns: Array<{ method: string; re: RegExp }> | null = null;
  const routes = () =>
    (patterns ??= app.routeCatalog.map((r) => ({
      method: r.method,
      re: new RegExp(`^${r.url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+').replace(/\*/g, '.*')}$`),
    })));

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    if (path.split('/').some((segment) => segment.length > MAX_PATH_SEGMENT)) {
      return problem(reply, 414, 'uri-too-long', `A path segment is longer than ${MAX_PATH_SEGMENT} characters.`);
    }
    const allowed = [...new Set(routes().filter((r) => r.re.test(path)).map((r) => r.method))];
    if (allowed.length && !allowed.includes(req.method)) {
      if (allowed.includes('GET')) allowed.push('HEAD');
      reply.header('allow', allowed.join(', '));
      return problem(reply, 405, 'method-not-allowed', `This path does not accept ${req.method}; it accepts ${allowed.join(', ')}.`);
    }
    return problem(reply, 404, 'not-found', 'No route matches this method and path.');
  });
});

function problem(reply: FastifyReply, status: number, slug: string, detail: string) {
  return reply.code(status).type(PROBLEM_TYPE).send({ type: `${PROBLEM_BASE}${slug}`, title: TITLES[status] ?? 'Client error', status, detail });
}

/**
 * Fastify's errors raised before routing (a URL that is not valid percent-encoding, a path
 * parameter longer than `maxParamLength`): the same problem+json, without the URL Fastify's
 * default answer quotes.
 */
export const frameworkErrors: FastifyServerOptions['frameworkErrors'] = (err, _req: FastifyRequest, reply: FastifyReply) => {
  if (err.code === 'FST_ERR_BAD_URL') return problem(reply, 400, 'bad-request', 'The URL is not valid (malformed percent-encoding).');
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return problem(reply, 414, 'uri-too-long', `A path segment is longer than ${MAX_PATH_SEGMENT} characters.`);
  }
  return problem(reply, 400, 'bad-request', err.message);
};

/** What Node's HTTP parser refuses (malformed request line, oversized headers), as problem+json. */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket) {
  if (!socket.writable) return socket.destroy();
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'HPE_URI_TOO_LONG' ? 414 : 400;
  const body = JSON.stringify({
    type: `${PROBLEM_BASE}${status === 400 ? 'bad-request' : slugFor(status)}`,
    title: TITLES[status] ?? 'Client error',
    status,
    detail: status === 431 ? 'The request headers are too large.' : 'The request is not valid HTTP.',
  });
  socket.end(
    `HTTP/1.1 ${status} ${TITLES[status] ?? 'Bad Request'}\r\nContent-Type: ${PROBLEM_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
