import { domainTxtName, domainTxtValue, findDomainClaim, syncDomainClaims } from '@sentrypulse/db';
import { teamScope, type ServiceContext } from '../context';
import { BadRequest, NotFound } from '../errors';
import * as q from './queries';

/**
 * The team side of custom-domain verification (ADR 0137): the TXT record to add and the claim's
 * state; "check now" asks the worker's next sweep (≤ 30 s) to look.
 */
export async function domainStatus(ctx: ServiceContext, statusPageId: number) {
  const team = teamScope(ctx);
  const page = await q.teamPage(ctx.db, team.id, statusPageId);
  if (!page) throw new NotFound('Status page');
  if (!page.custom_domain) return { domain: null, status: 'none' as const, txt_name: null, txt_value: null, expires_at: null, verified_at: null, last_checked_at: null, last_error: null };
  await syncDomainClaims(ctx.db, new Date(), team.id);
  const c = await findDomainClaim(ctx.db, team.id, statusPageId);
  return {
    domain: page.custom_domain,
    status: c?.status ?? ('pending' as const),
    txt_name: domainTxtName(page.custom_domain),
    txt_value: domainTxtValue(ctx.config.encryptionKey, team.id, page.custom_domain),
    expires_at: c && c.status === 'pending' ? c.expires_at.toISOString() : null,
    verified_at: c?.verified_at ? c.verified_at.toISOString() : null,
    last_checked_at: c?.last_checked_at ? c.last_checked_at.toISOString() : null,
    last_error: c?.last_error ?? null,
  };
}

export async function checkNow(ctx: ServiceContext, statusPageId: number) {
  const team = teamScope(ctx);
  const page = await q.teamPage(ctx.db, team.id, statusPageId);
  if (!page) throw new NotFound('Status page');
  if (!page.custom_domain) throw new BadRequest('This status page has no custom domain to verify.', { errors: [{ path: 'custom_domain', message: 'not set' }] });
  await syncDomainClaims(ctx.db, new Date(), team.id);
  await q.requestCheck(ctx.db, team.id, statusPageId);
  return domainStatus(ctx, statusPageId);
}
