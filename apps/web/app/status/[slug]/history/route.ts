import { fetchHistory, fetchStatusPage } from '../../_lib/api';
import { renderHistoryPage } from '../../_lib/render';
import { NOT_FOUND, serveHtml, UNAVAILABLE } from '../../_lib/serve';

/** GET /status/:slug/history?cursor= — resolved incidents, 20 a page, plain links for paging. */
export const dynamic = 'force-dynamic';

export async function GET(req: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const raw = new URL(req.url).searchParams.get('cursor') ?? undefined;
  const cursor = raw && /^\d{1,10}$/.test(raw) ? raw : undefined;
  return serveHtml(req, `history:${slug}:${cursor ?? ''}`, async () => {
    const [page, history] = await Promise.all([fetchStatusPage(slug), fetchHistory(slug, cursor)]);
    if (page.kind === 'not-found' || history.kind === 'not-found') return NOT_FOUND;
    if (page.kind === 'unavailable' || history.kind === 'unavailable') return UNAVAILABLE;
    return { status: 200, ...renderHistoryPage(page.data, history.data, cursor) };
  });
}
