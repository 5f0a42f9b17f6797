import type { CreateSiteBody, Site, UpdateSiteBody } from '@sentrypulse/shared';
import { randomBytes } from 'node:crypto';
import { teamScope, type ServiceContext } from '../context';
import { Conflict, isDuplicateKey, NotFound } from '../errors';
import { keysetPage } from '../pagination';
import { assertWithinLimit } from '../teams/limits';
import * as q from './queries';

/**
 * The copy-paste line for the site's <head>. A site that respects Do-Not-Track gets
 * `data-respect-dnt="true"`, so tracker.js sends nothing from DNT browsers (the api also drops
 * requests with the `DNT: 1` header for it); the line changes with the setting.
 */
export function snippetFor(apiPublicUrl: string, trackingCode: string, respectDnt = false): string {
  return `<script defer data-site="${trackingCode}"${respectDnt ? ' data-respect-dnt="true"' : ''} src="${apiPublicUrl}/tracker.js"></script>`;
}

function toSite(r: q.SiteRow, apiPublicUrl: string): Site {
  return {
    id: r.id,
    name: r.name,
    domain: r.domain,
    tracking_code: r.tracking_code,
    snippet: snippetFor(apiPublicUrl, r.tracking_code, !!r.respect_dnt),
    timezone: r.timezone,
    respect_dnt: !!r.respect_dnt,
    enabled: !!r.enabled,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

/** Tracking codes are public (they sit in every page) but unguessable, so ids are not enumerable. */
function newTrackingCode(): string {
  return `sp_${randomBytes(9).toString('base64url')}`;
}

async function findSite(ctx: ServiceContext, teamId: number, siteId: number) {
  const row = await q.findSite(ctx.db, teamId, siteId);
  if (!row) throw new NotFound('Site');
  return row;
}

function duplicateDomain(domain: string) {
  return new Conflict(`This team already has a site for ${domain}.`);
}

export async function getSite(ctx: ServiceContext, siteId: number): Promise<Site> {
  return toSite(await findSite(ctx, teamScope(ctx).id, siteId), ctx.config.apiPublicUrl);
}

export async function listSites(ctx: ServiceContext, limit: number, cursor: number | null) {
  const rows = await q.listSites(ctx.db, teamScope(ctx).id, limit + 1, cursor);
  return keysetPage(rows, limit, (r) => r.id, (r) => toSite(r, ctx.config.apiPublicUrl));
}

export async function createSite(ctx: ServiceContext, input: CreateSiteBody): Promise<Site> {
  const team = teamScope(ctx);
  assertWithinLimit(team.plan, 'sites', await q.countSites(ctx.db, team.id));
  try {
    const id = await q.insertSite(ctx.db, team.id, {
      name: input.name,
      domain: input.domain,
      tracking_code: newTrackingCode(),
      timezone: input.timezone,
      respect_dnt: input.respect_dnt,
      enabled: input.enabled,
    });
    return await getSite(ctx, id);
  } catch (err) {
    if (isDuplicateKey(err)) throw duplicateDomain(input.domain);
    throw err;
  }
}

/** Also returns the tracking code, whose cached collect lookups the caller drops. */
export async function updateSite(ctx: ServiceContext, siteId: number, input: UpdateSiteBody) {
  const team = teamScope(ctx);
  const before = await findSite(ctx, team.id, siteId);
  const changes = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  if (Object.keys(changes).length > 0) {
    try {
      await q.updateSite(ctx.db, team.id, siteId, changes);
    } catch (err) {
      if (isDuplicateKey(err)) throw duplicateDomain(String(input.domain));
      throw err;
    }
  }
  return { site: await getSite(ctx, siteId), trackingCode: before.tracking_code };
}

/** Returns the deleted site's tracking code, whose cached collect lookups the caller drops. */
export async function deleteSite(ctx: ServiceContext, siteId: number): Promise<string> {
  const team = teamScope(ctx);
  const row = await findSite(ctx, team.id, siteId);
  await q.deleteSite(ctx.db, team.id, siteId);
  return row.tracking_code;
}
