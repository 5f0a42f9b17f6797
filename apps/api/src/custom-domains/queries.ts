import type { Db } from '@sentrypulse/db';

export function teamPage(db: Db, teamId: number, statusPageId: number) {
  return db.selectFrom('status_pages').select(['id', 'custom_domain']).where('team_id', '=', teamId).where('id', '=', statusPageId).executeTakeFirst();
}

/** The next sweep looks at this claim whatever its schedule. */
export async function requestCheck(db: Db, teamId: number, statusPageId: number): Promise<void> {
  await db.updateTable('custom_domain_claims').set({ last_checked_at: null }).where('team_id', '=', teamId).where('status_page_id', '=', statusPageId).execute();
}
