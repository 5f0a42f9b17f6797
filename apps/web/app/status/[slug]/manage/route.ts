import type { ManageSubscription } from '@sentrypulse/shared';
import { fetchStatusPage } from '../../_lib/api';
import { html, tokenOf } from '../../_lib/flow';
import { NOT_FOUND, UNAVAILABLE } from '../../_lib/serve';
import { callApi, crossSite, renderFlowError, renderManage } from '../../_lib/subscribe';

/** GET /status/:slug/manage?token= — choose components or unsubscribe; POST saves the choice. */
export const dynamic = 'force-dynamic';

export async function GET(req: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const page = await fetchStatusPage(slug);
  if (page.kind !== 'ok') return html(page.kind === 'not-found' ? NOT_FOUND : UNAVAILABLE);
  const token = tokenOf(req);
  const answer = await callApi(req, 'GET', `/api/public/status-pages/${slug}/subscription?token=${encodeURIComponent(token)}`);
  if (answer.status !== 200) return html({ status: answer.status >= 400 && answer.status < 500 ? answer.status : 502, ...renderFlowError(page.data, 'This link does not work', answer) });
  return html({ status: 200, ...renderManage(page.data, token, answer.body as ManageSubscription, false) });
}

export async function POST(req: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const page = await fetchStatusPage(slug);
  if (page.kind !== 'ok') return html(page.kind === 'not-found' ? NOT_FOUND : UNAVAILABLE);
  if (crossSite(req)) return html({ status: 403, ...renderFlowError(page.data, 'Not allowed', { status: 403, body: { detail: 'This form can only be sent from this site.' } }) });
  const form = new URLSearchParams((await req.text()).slice(0, 8192));
  const token = form.get('token') ?? '';
  const ids = form.getAll('component_ids').filter((v) => /^\d{1,10}$/.test(v)).map(Number);
  const answer = await callApi(req, 'PUT', `/api/public/status-pages/${slug}/subscription`, { token, component_ids: ids.length ? ids : null });
  if (answer.status !== 200) return html({ status: answer.status >= 400 && answer.status < 500 ? answer.status : 502, ...renderFlowError(page.data, 'Not saved', answer) });
  return html({ status: 200, ...renderManage(page.data, token, answer.body as ManageSubscription, true) });
}
