import { PublicIncidentHistory, PublicStatusPage } from '@sentrypulse/shared';

/**
 * Server-side reads of the public status API. The page is rendered on the server from the same
 * JSON anyone can fetch (so it can never show more than the API exposes). The page JSON may be
 * kept by Next for 5 s (the status page itself is revalidated on that period); history pages are
 * read fresh (the API caches them).
 */
export function apiBase(): string {
  return (process.env.API_INTERNAL_URL || 'http://127.0.0.1:4000').replace(/\/$/, '');
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export type Fetched<T> = { kind: 'ok'; data: T } | { kind: 'not-found' } | { kind: 'unavailable' };

async function getJson<T>(path: string, parse: (v: unknown) => T, revalidate: number | false): Promise<Fetched<T>> {
  let res: Response;
  try {
    res = await fetch(`${apiBase()}${path}`, {
      ...(revalidate === false ? { cache: 'no-store' as const } : { next: { revalidate } }),
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(5_000),
    });
  } catch {
    return { kind: 'unavailable' };
  }
  if (res.status === 404) return { kind: 'not-found' };
  if (!res.ok) return { kind: 'unavailable' };
  return { kind: 'ok', data: parse(await res.json()) };
}

export function fetchStatusPage(slug: string): Promise<Fetched<PublicStatusPage>> {
  if (!SLUG.test(slug)) return Promise.resolve({ kind: 'not-found' });
  return getJson(`/api/public/status-pages/${slug}`, (v) => PublicStatusPage.parse(v), 5);
}

export function fetchHistory(slug: string, cursor: string | undefined): Promise<Fetched<PublicIncidentHistory>> {
  if (!SLUG.test(slug)) return Promise.resolve({ kind: 'not-found' });
  const qs = new URLSearchParams({ limit: '20' });
  if (cursor && /^\d{1,10}$/.test(cursor)) qs.set('cursor', cursor);
  return getJson(`/api/public/status-pages/${slug}/history?${qs}`, (v) => PublicIncidentHistory.parse(v), false);
}

export function feedPath(slug: string) {
  return `/api/public/status-pages/${slug}/feed.atom`;
}

export function badgePath(slug: string) {
  return `/api/public/status-pages/${slug}/badge.svg`;
}
