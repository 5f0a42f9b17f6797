import type { Db } from '@sentrypulse/db';

export function teamPage(db: Db, teamId: number, statusPageId: number) {
  return db.selectFrom('status_pages').select(['id', 'custom_domain']).where('team_id', '=', teamId).where('id', '=', statusPageId).executeTakeFirst();
}

