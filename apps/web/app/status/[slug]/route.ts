import { fetchStatusPage } from '../_lib/api';
import { renderStatusPage } from '../_lib/render';
import { NOT_FOUND, serveHtml, UNAVAILABLE } from '../_lib/serve';

/**
 * GET /status/:slug — the public status page (and, through proxy.ts, a custom domain's root):
 * one server-rendered document, complete without JavaScript (see _lib/render.ts, ADR 0072).
 */
export const dynamic = 'force-dynamic';

export async function GET(req: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return serveHtml(req, `page:${slug}`, async () => {
    const res = await fetchStatusPage(slug);
    if (res.kind === 'not-found') return NOT_FOUND;
    if (res.kind === 'unavailable') return UNAVAILABLE;
    return { status: 200, ...renderStatusPage(res.data) };
  });
}
