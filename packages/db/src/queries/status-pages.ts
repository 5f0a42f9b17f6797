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
  // Served only once verified by DNS (ADR 0137): a claim alone, or a lost verification, serves nothing.
  return db
    .selectFrom('status_pages as p')
    .innerJoin('custom_domain_claims as c', (j) => j.onRef('c.status_page_id', '=', 'p.id').onRef('c.domain', '=', 'p.custom_domain'))
    .select(['p.slug', 'p.team_id', 'p.is_public'])
    .where('p.custom_domain', '=', host)
    .where('c.status', '=', 'verified')
    .executeTakeFirst();
}
