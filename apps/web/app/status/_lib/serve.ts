import { createHash } from 'node:crypto';
import { renderNotFound, renderUnavailable } from './render';

/**
 * Serving rendered documents from memory. Each process keeps a rendered document for CACHE_MS and renders it again from the API's (cached) JSON after that,
 * single-flight and in the background (the stale copy is served meanwhile, for at most STALE_MS):
 * a crowd during an outage costs one API call and one render per page per second,
 * and a change reaches visitors within seconds. Compression is left to Next (and nginx): a route
 * handler cannot hand Next a pre-compressed body (Next drops its Content-Encoding header).
 */
const CACHE_MS = 1_000;
/** How long a stale document may still be served while its refresh runs. */
const STALE_MS = 10_000;
const MAX_ENTRIES = 1_000;

export interface Rendered {
  status: 200 | 404 | 503;
  html: string;
  csp: string | null;
}

interface Entry {
  at: number;
  status: number;
  body: Buffer;
  etag: string;
  csp: string | null;
}

const cache = new Map<string, Entry>();
const inflight = new Map<string, Promise<Entry>>();

function entry(r: Rendered): Entry {
  const body = Buffer.from(r.html);
  return {
    at: r.status === 503 ? 0 : Date.now(), // an outage page is never reused
    status: r.status,
    body,
    etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`,
    csp: r.csp,
  };
}

function refresh(key: string, render: () => Promise<Rendered>): Promise<Entry> {
  const running = inflight.get(key);
  if (running) return running;
  const p = render()
    .then(entry)
    .then((e) => {
      if (e.at) {
        if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
        cache.delete(key);
        cache.set(key, e);
      }
      return e;
    })
    .finally(() => inflight.delete(key));
  inflight.set(key, p);
  return p;
}

/** Fresh entries are served as they are; a stale one is served once more while a refresh runs. */
async function cached(key: string, render: () => Promise<Rendered>): Promise<Entry> {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit;
  if (hit && Date.now() - hit.at < STALE_MS) {
    refresh(key, render).catch(() => undefined);
    return hit;
  }
  return refresh(key, render);
}

export const NOT_FOUND: Rendered = { status: 404, html: renderNotFound(), csp: null };
export const UNAVAILABLE: Rendered = { status: 503, html: renderUnavailable(), csp: null };

export async function serveHtml(req: Request, key: string, render: () => Promise<Rendered>): Promise<Response> {
  const e = await cached(key, render);
  const headers = new Headers({
    'content-type': 'text/html; charset=utf-8',
    'cache-control': e.status === 200 ? 'public, max-age=10, stale-while-revalidate=30, no-transform' : 'no-store',
    vary: 'accept-encoding',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'content-security-policy': e.csp ?? "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
  });
  if (e.status === 200) {
    headers.set('etag', e.etag);
    if (req.headers.get('if-none-match') === e.etag) return new Response(null, { status: 304, headers });
  }
  return new Response(new Uint8Array(e.body), { status: e.status, headers });
}
