import { fetchStatusPage } from '../../_lib/api';
import { html, tokenOf } from '../../_lib/flow';
import { NOT_FOUND, UNAVAILABLE } from '../../_lib/serve';
import { callApi, renderConfirmed, renderConfirmForm, renderFlowError } from '../../_lib/subscribe';

/** GET /status/:slug/confirm?token= shows a button (mail scanners open links); POST confirms. */
export const dynamic = 'force-dynamic';

async function pageOf(slug: string) {
  const page = await fetchStatusPage(slug);
  if (page.kind === 'not-found') return { error: html(NOT_FOUND) } as const;
  if (page.kind === 'unavailable') return { error: html(UNAVAILABLE) } as const;
  return { page: page.data } as const;
}

export async function GET(req: Request, { params }: { params: Promise<{ slug: string }> }) {
  const p = await pageOf((await params).slug);
  if ('error' in p) return p.error;
  return html({ status: 200, ...renderConfirmForm(p.page, tokenOf(req)) });
}

export async function POST(req: Request, { params }: { params: Promise<{ slug: string }> }) {
  const p = await pageOf((await params).slug);
  if ('error' in p) return p.error;
  const form = new URLSearchParams(await req.text());
  const token = form.get('token') || tokenOf(req);
  const answer = await callApi(req, 'POST', '/api/public/subscriptions/confirm', { token });
  if (answer.status === 200) return html({ status: 200, ...renderConfirmed(p.page) });
  return html({ status: answer.status >= 400 && answer.status < 500 ? answer.status : 502, ...renderFlowError(p.page, 'This link does not work', answer) });
}
