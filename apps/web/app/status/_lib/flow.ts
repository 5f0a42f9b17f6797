/** An uncached HTML answer of the subscribe flow (personal: never stored by a proxy). */
export function html(r: { status: number; html: string; csp: string | null }): Response {
  return new Response(r.html, {
    status: r.status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // Tokens ride in these URLs: never send them on to another site (same-origin keeps the
      // Origin header on this site's own form posts).
      'referrer-policy': 'same-origin',
      'x-frame-options': 'DENY',
      'content-security-policy': r.csp ?? "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
    },
  });
}

export function tokenOf(req: Request): string {
  const t = new URL(req.url).searchParams.get('token') ?? '';
  return t.length <= 200 ? t : '';
}
