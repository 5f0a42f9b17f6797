import { NextResponse, type NextRequest } from 'next/server';
import { customDomainRewrite } from './app/status/_lib/custom-domain';

/**
 * Two jobs, in this order:
 * 1. Custom-domain status pages: a request for `/` or `/history` whose Host is a page's custom
 *    domain is served that status page (app/status/_lib/custom-domain.ts).
 * 2. Same-origin API: the browser calls /api/* and /tracker.js on the dashboard's origin; without
 *    nginx in front, they are forwarded here to the API. API_INTERNAL_URL is read per request, so
 *    a single production build serves any deployment (ADR 0080).
 */
export async function proxy(req: NextRequest) {
  const path = req.nextUrl.pathname;
  if (path === '/' || path === '/history') {
    return (await customDomainRewrite(req)) ?? NextResponse.next();
  }
  const base = process.env.API_INTERNAL_URL || 'http://127.0.0.1:4000';
  const target = new URL(path + req.nextUrl.search, base);
  return NextResponse.rewrite(target);
}

export const config = { matcher: ['/', '/history', '/api/:path*', '/tracker.js'] };
