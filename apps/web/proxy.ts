import { NextResponse, type NextRequest } from 'next/server';

/**
 * Same-origin API: the browser calls /api/* and /tracker.js on the dashboard's origin; without
 * nginx in front, they are forwarded here to the API. API_INTERNAL_URL is read per request, so a
 * single production build serves any deployment (ADR 0080).
 */
export function proxy(req: NextRequest) {
  const base = process.env.API_INTERNAL_URL || 'http://127.0.0.1:4000';
  const target = new URL(req.nextUrl.pathname + req.nextUrl.search, base);
  return NextResponse.rewrite(target);
}

export const config = { matcher: ['/api/:path*', '/tracker.js'] };
