import { PublicIncidentHistory, PublicStatusPage } from '@sentrypulse/shared';

/**
 * Server-side reads of the public status API. The page is rendered on the server from the same
 * JSON anyone can fetch (so it can never show more than the API exposes). Responses are not kept
 * by Next's fetch cache: the rendered documents are cached in memory (serve.ts) and the API
 * caches the JSON.
 */
export function apiBase(): string {
  return (process.env.API_INTERNAL_URL || 'http://127.0.0.1:4000').replace(/\/$/, '');
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export type Fetched<T> = { kind: 'ok'; data: T } | { kind: 'not-found' } | { kind: 'unavailable' };

async function getJson<T>(path: string, parse: (v: unknown) => T): Promise<Fetched<T>> {
  let res: Response;
  try {
    res = await fetch(`${apiBase()}${path}`, {
      cache: 'no-store',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(5_000),
    });
  } catch {
    return { kind: 'unavailable' };
  }
  if (res.status === 404) return { kind: 'not-found' };
  if (!res.ok) return { kind: 'unavailable' };
  try {
    return { kind: 'ok', data: parse(await res.json()) };
  } catch {
    return { kind: 'unavailable' };
  }
}

export function fetchStatusPage(slug: string): Promise<Fetched<PublicStatusPage>> {
  if (!SLUG.test(slug)) return Promise.resolve({ kind: 'not-found' });
  // Not re-validated with zod here: 4,500 day objects cost ~10 ms to parse on every refresh, the
  // API already answers this exact contract (its tests parse it), and every string is escaped when
  // rendered whatever it holds. A response without the basic shape is treated as unavailable.
  return getJson(`/api/public/status-pages/${slug}`, (v) => {
    const page = v as PublicStatusPage;
    if (!page || typeof page.title !== 'string' || !Array.isArray(page.components)) throw new Error('not a status page');
    return page;
  });
}

export function fetchHistory(slug: string, cursor: string | undefined): Promise<Fetched<PublicIncidentHistory>> {
  if (!SLUG.test(slug)) return Promise.resolve({ kind: 'not-found' });
  const qs = new URLSearchParams({ limit: '20' });
  if (cursor && /^\d{1,10}$/.test(cursor)) qs.set('cursor', cursor);
  return getJson(`/api/public/status-pages/${slug}/history?${qs}`, (v) => PublicIncidentHistory.parse(v));
}

export function feedPath(slug: string) {
  return `/api/public/status-pages/${slug}/feed.atom`;
}

export function badgePath(slug: string) {
  return `/api/public/status-pages/${slug}/badge.svg`;
}
