import { sql } from 'kysely';
import type { Db } from '../connection';

/** Unverified claims expire after this long (the page stops holding the domain). */
export const CLAIM_TTL_MS = 7 * 86_400_000;

/** Makes sure every page with a custom domain has a claim for exactly that domain (new or changed → pending). */
export async function syncDomainClaims(db: Db, now: Date, teamId?: number): Promise<void> {
  let q = db
    .selectFrom('status_pages as p')
    .leftJoin('custom_domain_claims as c', 'c.status_page_id', 'p.id')
    .select(['p.id', 'p.team_id', 'p.custom_domain', 'c.domain as claimed'])
    .where('p.custom_domain', 'is not', null)
    .where((eb) => eb.or([eb('c.domain', 'is', null), eb('c.domain', '<>', eb.ref('p.custom_domain'))]));
  if (teamId !== undefined) q = q.where('p.team_id', '=', teamId);
  for (const r of await q.limit(500).execute()) {
    await db
      .insertInto('custom_domain_claims')
      .values({ status_page_id: r.id, team_id: r.team_id, domain: r.custom_domain!, status: 'pending', expires_at: new Date(now.getTime() + CLAIM_TTL_MS) })
      .onDuplicateKeyUpdate({ domain: r.custom_domain!, status: 'pending', expires_at: new Date(now.getTime() + CLAIM_TTL_MS), verified_at: null, last_checked_at: null, last_error: null, lost_notified_at: null })
      .execute();
  }
  // Pages that dropped their domain drop their claim.
  await db
    .deleteFrom('custom_domain_claims')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('status_pages as p').select(sql.lit(1).as('one')).whereRef('p.id', '=', 'custom_domain_claims.status_page_id').whereRef('p.custom_domain', '=', 'custom_domain_claims.domain'))))
    .execute();
}

export function findDomainClaim(db: Db, teamId: number, statusPageId: number) {
  return db.selectFrom('custom_domain_claims').selectAll().where('team_id', '=', teamId).where('status_page_id', '=', statusPageId).executeTakeFirst();
}

/** Claims due for a DNS look: pending ones every minute, verified/lost ones daily. */
export function claimsDue(db: Db, now: Date, limit = 200) {
  return db
    .selectFrom('custom_domain_claims')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb.or([eb('last_checked_at', 'is', null), eb('last_checked_at', '<', new Date(now.getTime() - 60_000))])]),
        eb.and([eb('status', 'in', ['verified', 'lost']), eb.or([eb('last_checked_at', 'is', null), eb('last_checked_at', '<', new Date(now.getTime() - 86_400_000))])]),
      ]),
    )
    .orderBy('last_checked_at')
    .limit(limit)
    .execute();
}
