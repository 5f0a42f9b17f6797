import type { Db } from '@sentrypulse/db';
import type { CreateSiteBody, Site, UpdateSiteBody } from '@sentrypulse/shared';
import { randomBytes } from 'node:crypto';
import { Conflict, isDuplicateKey, NotFound } from '../errors';
import { assertWithinLimit } from '../teams/limits';
import type { TeamContext } from '../types';

const COLUMNS = ['id', 'team_id', 'name', 'domain', 'tracking_code', 'timezone', 'respect_dnt', 'enabled', 'created_at', 'updated_at'] as const;

type Row = {
  id: number;
  name: string;
  domain: string;
  tracking_code: string;
  timezone: string;
  respect_dnt: number;
  enabled: number;
  created_at: Date;
  updated_at: Date;
};

/**
 * The copy-paste line for the site's <head>. A site that respects Do-Not-Track gets
 * `data-respect-dnt="true"`, so tracker.js sends nothing from DNT browsers (the api also drops
 * requests with the `DNT: 1` header for it); the line changes with the setting.
 */
export function snippetFor(apiPublicUrl: string, trackingCode: string, respectDnt = false): string {
  return `<script defer data-site="${trackingCode}"${respectDnt ? ' data-respect-dnt="true"' : ''} src="${apiPublicUrl}/tracker.js"></script>`;
}

function toSite(r: Row, apiPublicUrl: string): Site {
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

export async function findSiteRow(db: Db, teamId: number, siteId: number) {
  const row = await db.selectFrom('sites').select(COLUMNS).where('team_id', '=', teamId).where('id', '=', siteId).executeTakeFirst();
  if (!row) throw new NotFound('Site');
  return row;
}

export async function getSite(db: Db, team: TeamContext, siteId: number, apiPublicUrl: string): Promise<Site> {
  return toSite(await findSiteRow(db, team.id, siteId), apiPublicUrl);
}

export async function listSites(db: Db, team: TeamContext, limit: number, cursor: number | null, apiPublicUrl: string) {
  let q = db.selectFrom('sites').select(COLUMNS).where('team_id', '=', team.id).orderBy('id', 'desc').limit(limit + 1);
  if (cursor !== null) q = q.where('id', '<', cursor);
  const rows = await q.execute();
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => toSite(r, apiPublicUrl)),
    next_cursor: rows.length > limit ? String(page[page.length - 1]!.id) : null,
  };
}

async function countSites(db: Db, teamId: number): Promise<number> {
  const row = await db
    .selectFrom('sites')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('team_id', '=', teamId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function duplicateDomain(domain: string) {
  return new Conflict(`This team already has a site for ${domain}.`);
}

export async function createSite(db: Db, team: TeamContext, input: CreateSiteBody, apiPublicUrl: string): Promise<Site> {
  assertWithinLimit(team.plan, 'sites', await countSites(db, team.id));
  try {
    const res = await db
      .insertInto('sites')
      .values({
        team_id: team.id,
        name: input.name,
        domain: input.domain,
        tracking_code: newTrackingCode(),
        timezone: input.timezone,
        respect_dnt: input.respect_dnt,
        enabled: input.enabled,
      })
      .executeTakeFirstOrThrow();
    return getSite(db, team, Number(res.insertId), apiPublicUrl);
  } catch (err) {
    if (isDuplicateKey(err)) throw duplicateDomain(input.domain);
    throw err;
  }
}

export async function updateSite(db: Db, team: TeamContext, siteId: number, input: UpdateSiteBody, apiPublicUrl: string) {
  const before = await findSiteRow(db, team.id, siteId);
  const changes = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  if (Object.keys(changes).length > 0) {
    try {
      await db
        .updateTable('sites')
        .set({ ...changes, updated_at: new Date() })
        .where('team_id', '=', team.id)
        .where('id', '=', siteId)
        .execute();
    } catch (err) {
      if (isDuplicateKey(err)) throw duplicateDomain(String(input.domain));
      throw err;
    }
  }
  return { site: await getSite(db, team, siteId, apiPublicUrl), trackingCode: before.tracking_code };
}

/** Rollups go with the site (foreign keys); raw events are removed in batches by retention. */
export async function deleteSite(db: Db, team: TeamContext, siteId: number): Promise<string> {
  const row = await findSiteRow(db, team.id, siteId);
  await db.deleteFrom('sites').where('team_id', '=', team.id).where('id', '=', siteId).execute();
  return row.tracking_code;
}
