import { NextResponse, type NextRequest } from 'next/server';

/**
 * Custom-domain status pages: a request whose Host is a page's custom domain (e.g.
 * status.example.com pointed at SentryPulse by CNAME) is served that page at `/` and its history
 * at `/history`. Meant to be called first thing in apps/web/proxy.ts (whose matcher must then also
 * cover `/` and `/history`):
 *
 *   const rewritten = await customDomainRewrite(req);
 *   if (rewritten) return rewritten;
 *
 * Our own host (PUBLIC_URL) is never looked up. Lookups are cached in memory for 30 s, including
 * misses, so a stray Host header costs one API call per 30 s per process.
 */
const TTL_MS = 30_000;
const cache = new Map<string, { slug: string | null; at: number }>();

function ownHost(): string | null {
  try {
    return new URL(process.env.PUBLIC_URL || 'http://localhost:3000').hostname.toLowerCase();
  } catch {
    return null;
  }
}

export async function slugForHost(rawHost: string | null): Promise<string | null> {
  if (!rawHost) return null;
  const host = rawHost.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  if (!host.includes('.') || host === ownHost() || /^[\d.]+$/.test(host) || host.startsWith('[')) return null;
  const hit = cache.get(host);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.slug;
  const base = (process.env.API_INTERNAL_URL || 'http://127.0.0.1:4000').replace(/\/$/, '');
  let slug: string | null = null;
  try {
    const res = await fetch(`${base}/api/public/status-domains/${encodeURIComponent(host)}`, { signal: AbortSignal.timeout(2_000) });
    if (res.ok) {
      const body = (await res.json()) as { slug?: unknown };
      slug = typeof body.slug === 'string' && /^[a-z0-9-]{2,64}$/.test(body.slug) ? body.slug : null;
    }
  } catch {
    return null; // API away: do not cache, fall through to the normal routes
  }
  if (cache.size > 1_000) cache.clear();
  cache.set(host, { slug, at: Date.now() });
  return slug;
}

export async function customDomainRewrite(req: NextRequest): Promise<NextResponse | null> {
  const path = req.nextUrl.pathname;
  if (path !== '/' && path !== '/history') return null;
  const slug = await slugForHost(req.headers.get('host'));
  if (!slug) return null;
  const url = req.nextUrl.clone();
  url.pathname = path === '/' ? `/status/${slug}` : `/status/${slug}/history`;
  return NextResponse.rewrite(url);
}
