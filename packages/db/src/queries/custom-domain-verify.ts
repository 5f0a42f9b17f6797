import type { Db } from '../connection';

/** A claim found in DNS: verified from now on. */
export async function markDomainVerified(db: Db, teamId: number, statusPageId: number, now: Date): Promise<void> {
  await db
    .updateTable('custom_domain_claims')
    .set({ status: 'verified', verified_at: now, last_checked_at: now, last_error: null, lost_notified_at: null })
    .where('team_id', '=', teamId)
    .where('status_page_id', '=', statusPageId)
    .execute();
}
