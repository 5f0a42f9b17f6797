import { fetchStatusPage } from '../../_lib/api';
import { html } from '../../_lib/flow';
import { callApi, crossSite, problemText, renderFlowError, renderSubscribed, renderSubscribePage, subscribeBodyOf } from '../../_lib/subscribe';
import { NOT_FOUND, UNAVAILABLE } from '../../_lib/serve';

/**
 * GET /status/:slug/subscribe — the subscribe form on a page of its own (also where errors land);
 * POST — the no-JS form of the status page: calls the API's subscribe route server-side.
 */
export const dynamic = 'force-dynamic';

export async function GET(_req: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const page = await fetchStatusPage(slug);
  if (page.kind === 'not-found') return html(NOT_FOUND);
  if (page.kind === 'unavailable') return html(UNAVAILABLE);
  return html({ status: 200, ...renderSubscribePage(page.data) });
}

export async function POST(req: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const page = await fetchStatusPage(slug);
  if (page.kind === 'not-found') return html(NOT_FOUND);
  if (page.kind === 'unavailable') return html(UNAVAILABLE);
  if (crossSite(req)) return html({ status: 403, ...renderFlowError(page.data, 'Not allowed', { status: 403, body: { detail: 'This form can only be sent from the status page itself.' } }) });
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (type !== 'application/x-www-form-urlencoded') return html({ status: 415, ...renderFlowError(page.data, 'Not a form', { status: 415, body: { detail: 'Send the subscribe form.' } }) });
  const form = new URLSearchParams(await req.text());
  const answer = await callApi(req, 'POST', `/api/public/status-pages/${slug}/subscribers`, subscribeBodyOf(form));
  if (answer.status === 202) return html({ status: 202, ...renderSubscribed(page.data) });
  const status = answer.status >= 400 && answer.status < 600 ? (answer.status as 400) : 502;
  return html({ status, ...renderSubscribePage(page.data, problemText(answer)) });
}
