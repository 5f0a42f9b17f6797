import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError } from '../errors';

export const PROBLEM_BASE = 'https://sentrypulse.dev/problems/';
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  503: 'Service unavailable',
};

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
 * problem+json 404 for unknown routes. Registered in the API's main context (not the root), so
 * 404s pass through that context's hooks (security headers, CORS) like every API answer.
 */
export const notFoundPlugin = fp(async (app: FastifyInstance) => {
  app.setNotFoundHandler((req, reply) => {
    reply
      .code(404)
      .type(PROBLEM_TYPE)
      .send({
        type: `${PROBLEM_BASE}not-found`,
        title: 'Not found',
        status: 404,
        detail: `No route for ${req.method} ${req.url.split('?')[0]}.`,
      });
  });
});
