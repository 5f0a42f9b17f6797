import { claimsDue, domainTxtName, domainTxtValue, sql, syncDomainClaims, type Db } from '@sentrypulse/db';
import { Resolver } from 'node:dns/promises';

/**
 * Custom-domain verification (ADR 0137): a page's domain is served only after the TXT record
 * `_sentrypulse.<domain>` holds the team's token (`sentrypulse-verification=…`, derived from
 * ENCRYPTION_KEY, team and domain, so another team's token never verifies). Pending claims are
 * looked at every minute and expire after 7 days (the page drops the domain); verified ones are
 * re-checked daily, and a lost verification stops serving the domain and tells the team's owner once.
 */
export interface DomainDeps {
  db: Db;
  encryptionKey: Buffer;
  resolveTxt: (name: string) => Promise<string[][]>;
  tellOwner: (to: string, domain: string, pageTitle: string) => Promise<void>;
}

export function txtResolver(servers?: string[]): (name: string) => Promise<string[][]> {
  const r = new Resolver({ timeout: 3_000, tries: 2 });
  if (servers?.length) r.setServers(servers);
  return (name) => r.resolveTxt(name);
}

export async function checkDomains(deps: DomainDeps, now: Date): Promise<{ verified: number; lost: number; expired: number }> {
  const { db } = deps;
  await syncDomainClaims(db, now);
  const out = { verified: 0, lost: 0, expired: 0 };
  for (const c of await claimsDue(db, now)) {
    const expected = domainTxtValue(deps.encryptionKey, c.team_id, c.domain);
    let found = false;
    let error: string | null = null;
    try {
      const records = await deps.resolveTxt(domainTxtName(c.domain));
      found = records.some((chunks) => chunks.join('') === expected);
      if (!found) error = records.some((chunks) => chunks.join('').startsWith('sentrypulse-verification=')) ? 'the TXT record holds a token that is not this team’s' : 'no SentryPulse TXT record';
    } catch (err) {
      error = `TXT lookup failed (${(err as { code?: string }).code ?? 'error'})`;
    }
    const checked = { last_checked_at: now, last_error: found ? null : error };
    if (found) {
      if (c.status !== 'verified') out.verified += 1;
      await db.updateTable('custom_domain_claims').set({ ...checked, status: 'verified', verified_at: c.verified_at ?? now, lost_notified_at: null }).where('status_page_id', '=', c.status_page_id).execute();
    } else if (c.status === 'pending' && c.expires_at <= now) {
      // Never verified within its week: the page lets go of the domain, so nobody can squat it.
      await db.updateTable('status_pages').set({ custom_domain: null }).where('id', '=', c.status_page_id).where('custom_domain', '=', c.domain).execute();
      await db.deleteFrom('custom_domain_claims').where('status_page_id', '=', c.status_page_id).execute();
      out.expired += 1;
    } else if (c.status === 'verified' || c.status === 'lost') {
      await db.updateTable('custom_domain_claims').set({ ...checked, status: 'lost' }).where('status_page_id', '=', c.status_page_id).execute();
      if (!c.lost_notified_at) {
        const owner = await db
          .selectFrom('status_pages as p')
          .innerJoin('teams as t', 't.id', 'p.team_id')
          .innerJoin('users as u', 'u.id', 't.owner_id')
          .select(['u.email', 'p.title'])
          .where('p.id', '=', c.status_page_id)
          .executeTakeFirst();
        if (owner) {
          await deps.tellOwner(owner.email, c.domain, owner.title);
          await db.updateTable('custom_domain_claims').set({ lost_notified_at: sql<Date>`CURRENT_TIMESTAMP(3)` }).where('status_page_id', '=', c.status_page_id).execute();
        }
        out.lost += 1;
      }
    } else {
      await db.updateTable('custom_domain_claims').set(checked).where('status_page_id', '=', c.status_page_id).execute();
    }
  }
  return out;
}
