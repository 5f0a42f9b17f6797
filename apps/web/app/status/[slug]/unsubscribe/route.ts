import { fetchStatusPage } from '../../_lib/api';
import { html, tokenOf } from '../../_lib/flow';
import { NOT_FOUND, UNAVAILABLE } from '../../_lib/serve';
import { callApi, renderFlowError, renderUnsubscribed, renderUnsubscribeForm } from '../../_lib/subscribe';

/**
 * The List-Unsubscribe URL of every email (RFC 8058): GET shows a confirmation page with a button;
 * POST (the mail provider's `List-Unsubscribe=One-Click`, or the button) unsubscribes at once.
 */
export const dynamic = 'force-dynamic';

export async function GET(req: Request, { params }: { params: Promise<{ slug: string }> }) {
  const page = await fetchStatusPage((await params).slug);
  if (page.kind === 'not-found') return html(NOT_FOUND);
  if (page.kind === 'unavailable') return html(UNAVAILABLE);
  return html({ status: 200, ...renderUnsubscribeForm(page.data, tokenOf(req)) });
}

export async function POST(req: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const form = new URLSearchParams((await req.text()).slice(0, 4096));
  const token = form.get('token') || tokenOf(req);
  const answer = await callApi(req, 'POST', `/api/public/status-pages/${slug}/unsubscribe`, { token });
  const page = await fetchStatusPage(slug);
  if (page.kind !== 'ok') return html(page.kind === 'not-found' ? NOT_FOUND : UNAVAILABLE);
  if (answer.status === 200) return html({ status: 200, ...renderUnsubscribed(page.data) });
  return html({ status: answer.status >= 400 && answer.status < 500 ? answer.status : 502, ...renderFlowError(page.data, 'This link does not work', answer) });
}
