import { domainTxtName, domainTxtValue, findDomainClaim, markDomainVerified, syncDomainClaims } from '@sentrypulse/db';
import { Resolver } from 'node:dns/promises';
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

/**
 * "Check now": looks up `_sentrypulse.<domain>` at once (DNS_SERVERS or the system resolver).
 * Found with this team's token → verified (200). Otherwise a 400 that says what was found (another
 * team's token, no record, a failed lookup) and nothing changes; the worker keeps checking.
 */
export async function checkNow(ctx: ServiceContext, statusPageId: number, now = new Date()) {
  const team = teamScope(ctx);
  const page = await q.teamPage(ctx.db, team.id, statusPageId);
  if (!page) throw new NotFound('Status page');
  if (!page.custom_domain) throw new BadRequest('This status page has no custom domain to verify.', { errors: [{ path: 'custom_domain', message: 'not set' }] });
  await syncDomainClaims(ctx.db, now, team.id);
  // Already verified: nothing to look up (the daily re-check watches it).
  if ((await findDomainClaim(ctx.db, team.id, statusPageId))?.status === 'verified') return domainStatus(ctx, statusPageId);
  const name = domainTxtName(page.custom_domain);
  const expected = domainTxtValue(ctx.config.encryptionKey, team.id, page.custom_domain);
  const resolver = new Resolver({ timeout: 3_000, tries: 2 });
  if (ctx.config.dnsServers.length) resolver.setServers(ctx.config.dnsServers);
  let records: string[][];
  try {
    records = await resolver.resolveTxt(name);
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'error';
    throw new BadRequest(`No TXT record could be read at ${name} (${code}). Add it and try again.`, { errors: [{ path: 'custom_domain', message: `TXT lookup: ${code}` }] });
  }
  const values = records.map((chunks) => chunks.join(''));
  if (!values.includes(expected)) {
    const foreign = values.some((v) => v.startsWith('sentrypulse-verification='));
    throw new BadRequest(
      foreign ? `The TXT record at ${name} holds a verification token that is not this team's.` : `The TXT record at ${name} does not hold this team's token yet.`,
      { errors: [{ path: 'custom_domain', message: foreign ? "another team's token" : 'token not found' }] },
    );
  }
  await markDomainVerified(ctx.db, team.id, statusPageId, now);
  return domainStatus(ctx, statusPageId);
}
