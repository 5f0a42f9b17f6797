import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { TextDecoder } from 'node:util';
import { BadRequest } from '../errors';

/**
 * Text the API stores must be text: a lone UTF-16 surrogate (`"\ud800"` in JSON) or bytes that
 * are not UTF-8 would be replaced by U+FFFD (or `?`) on the way to the database, silently
 * changing what the caller sent. Registered at the root before any route, so the collect
 * endpoint's context (ADR 0035) gets it too:
 *
 * - JSON bodies are decoded with a fatal UTF-8 decoder before Fastify's own JSON parser
 *   (prototype-poisoning protection kept);
 * - a preValidation hook refuses lone surrogates anywhere in the body, query string or path
 *   parameters, and percent-encoded bytes in the query string that are not UTF-8.
 *
 * Both answer 400 problem+json naming the field, before the schema runs and before anything is
 * written.
 */
const utf8 = new TextDecoder('utf-8', { fatal: true });
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const wellFormed = (s: string) => !LONE_SURROGATE.test(s);

/** The path of the first string in `value` that is not well-formed UTF-16, or null. */
export function illFormedPath(value: unknown, path: string[] = []): string[] | null {
  if (typeof value === 'string') return wellFormed(value) ? null : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = illFormedPath(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!wellFormed(k)) return [...path, '(key)'];
      const found = illFormedPath(v, [...path, k]);
      if (found) return found;
    }
  }
  return null;
}

function invalid(where: string, path: string[]): BadRequest {
  const field = [where, ...path].join('.');
  return new BadRequest(`${field}: contains a lone UTF-16 surrogate or bytes that are not UTF-8; send well-formed Unicode text.`, {
    errors: [{ path: field, message: 'must be well-formed Unicode (no lone surrogates)' }],
  });
}

function queryIsUtf8(req: FastifyRequest): boolean {
  const at = req.url.indexOf('?');
  if (at === -1) return true;
  for (const part of req.url.slice(at + 1).split(/[&=]/)) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      return false;
    }
  }
  return true;
}

export const inputPlugin = fp(async (app: FastifyInstance) => {
  const json = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(invalid('body', []), undefined);
      return;
    }
    json(req, text, done);
  });

  app.addHook('preValidation', (req, _reply, done) => {
    if (!queryIsUtf8(req)) return done(invalid('querystring', []));
    for (const [where, value] of [
      ['body', req.body],
      ['querystring', req.query],
      ['params', req.params],
    ] as const) {
      const path = illFormedPath(value);
      if (path) return done(invalid(where, path));
    }
    done();
  });
});
