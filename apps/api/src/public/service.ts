import { findStatusPageByDomain, findStatusPageBySlug, type StatusPageRow } from '@sentrypulse/db';
import type { PublicIncidentHistory, PublicStatusPage } from '@sentrypulse/shared';
import type { ServiceContext } from '../context';
import { NotFound } from '../errors';
import { findMembership } from '../teams/queries';
import { renderBadge, statusBadge, uptimeBadge } from './badge';
import { buildAtomFeed } from './feed';
import { loadHistory, loadPageModel } from './page-model';

export function publicPageUrl(publicUrl: string, row: Pick<StatusPageRow, 'slug' | 'custom_domain'>): string {
  return row.custom_domain ? `https://${row.custom_domain}/` : `${publicUrl}/status/${row.slug}`;
}

/*
 * Verbs of the public side. The slug (or custom domain) is the public key, so they have no team
 * scope; a private page is shown only to a signed-in member of its team (`ctx.userId`).
 */

/** A public page by slug, with the team whose cache version applies; null for missing or private. */
export async function locatePublicPage(ctx: ServiceContext, slug: string): Promise<{ teamId: number; page: StatusPageRow } | null> {
  const row = await findStatusPageBySlug(ctx.db, slug);
  return row && row.is_public ? { teamId: row.team_id, page: row } : null;
}

/** A private page for a signed-in member of its team; for anyone else a 404, exactly like a missing page. */
export async function memberPage(ctx: ServiceContext, slug: string): Promise<StatusPageRow> {
  if (ctx.userId !== null) {
    const row = await findStatusPageBySlug(ctx.db, slug);
    if (row && !row.is_public && (await findMembership(ctx.db, row.team_id, ctx.userId))) return row;
  }
  throw new NotFound('Status page');
}

export async function publicPage(ctx: ServiceContext, row: StatusPageRow): Promise<PublicStatusPage> {
  return (await loadPageModel(ctx.db, row)).page;
}

export function publicHistory(ctx: ServiceContext, row: StatusPageRow, limit: number, beforeId: number | null): Promise<PublicIncidentHistory> {
  return loadHistory(ctx.db, row, limit, beforeId);
}

/** The Atom feed: open incidents and the last 40 resolved ones, with their updates. */
export async function publicFeed(ctx: ServiceContext, row: StatusPageRow): Promise<string> {
  const model = await loadPageModel(ctx.db, row);
  const history = await loadHistory(ctx.db, row, 40, null);
  return buildAtomFeed({
    title: row.title,
    pageUrl: publicPageUrl(ctx.config.publicUrl, row),
    feedUrl: `${ctx.config.apiPublicUrl}/api/public/status-pages/${row.slug}/feed.atom`,
    incidents: [...model.page.active_incidents, ...history.items],
    generatedAt: model.page.generated_at,
  });
}

export async function publicBadge(ctx: ServiceContext, row: StatusPageRow, metric: 'status' | 'uptime'): Promise<string> {
  const model = await loadPageModel(ctx.db, row);
  return renderBadge(metric === 'uptime' ? uptimeBadge(model.uptime90d) : statusBadge(model.page.status));
}

/** The slug of the public page a custom domain serves, or null. */
export async function slugOfDomain(ctx: ServiceContext, host: string): Promise<string | null> {
  const row = await findStatusPageByDomain(ctx.db, host);
  return row && row.is_public ? row.slug : null;
}

/**
 * The public JSON of a page by slug, uncached: for previews and members looking at a private page.
 * `includePrivate` lets a private page through (the caller checked membership).
 */
export async function buildPublicPage(ctx: ServiceContext, slug: string, opts: { includePrivate: boolean }): Promise<PublicStatusPage> {
  const row = await findStatusPageBySlug(ctx.db, slug);
  if (!row || (!row.is_public && !opts.includePrivate)) throw new NotFound('Status page');
  return publicPage(ctx, row);
}
