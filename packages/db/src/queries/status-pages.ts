import type { Selectable } from 'kysely';
import type { Db } from '../connection';
import type { StatusPagesTable } from '../schema';

/**
 * A status page looked up by its public keys (slug, custom domain): no team filter, the key is
 * public. The api's public routes run these, and so does bench:status; the team-side CRUD and the
 * public read model are the api's own (apps/api/src/status-pages and public/queries.ts).
 */

export type StatusPageRow = Selectable<StatusPagesTable>;

export function findStatusPageBySlug(db: Db, slug: string) {
  return db.selectFrom('status_pages').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function findStatusPageByDomain(db: Db, host: string) {
  return db.selectFrom('status_pages').select(['slug', 'team_id', 'is_public']).where('custom_domain', '=', host).executeTakeFirst();
}
