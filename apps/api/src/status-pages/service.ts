import {
  countStatusPages,
  deleteStatusPage as deleteRow,
  findStatusPage,
  insertStatusPage,
  invalidateStatusPagesForTeam,
  listComponents,
  listStatusPages as listRows,
  monitorIdsOfTeam,
  replaceComponents,
  statusDomainCacheKey,
  statusPageCacheKey,
  updateStatusPage as updateRow,
  type Db,
  type StatusPageComponentRow,
  type StatusPageRow,
} from '@sentrypulse/db';
import type { CreateStatusPageBody, StatusPage, UpdateStatusPageBody } from '@sentrypulse/shared';
import type { Redis } from 'ioredis';
import { BadRequest, Conflict, isDuplicateKey, NotFound } from '../errors';
import { assertWithinLimit } from '../teams/limits';
import type { TeamContext } from '../types';

export interface StatusPageDeps {
  db: Db;
  redis: Redis;
  redisPrefix: string;
  publicUrl: string;
}

export function publicPageUrl(publicUrl: string, row: Pick<StatusPageRow, 'slug' | 'custom_domain'>): string {
  return row.custom_domain ? `https://${row.custom_domain}/` : `${publicUrl}/status/${row.slug}`;
}

function toStatusPage(publicUrl: string, row: StatusPageRow, components: StatusPageComponentRow[]): StatusPage {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    is_public: Boolean(row.is_public),
    logo_url: row.logo_url,
    accent_color: row.accent_color,
    custom_domain: row.custom_domain,
    show_incident_history: Boolean(row.show_incident_history),
    show_maintenances: Boolean(row.show_maintenances),
    components: components.map((c) => ({
      id: c.id,
      monitor_id: c.monitor_id,
      name: c.display_name,
      group: c.group_name,
      position: c.position,
    })),
    url: publicPageUrl(publicUrl, row),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** A duplicate slug or custom domain is a 409 naming the field; other key errors are rethrown. */
function conflictFor(err: unknown): never {
  if (isDuplicateKey(err)) {
    const message = (err as Error).message;
    if (message.includes('custom_domain')) throw new Conflict('Another status page already uses this custom domain.');
    if (message.includes('slug')) throw new Conflict('That slug is taken: choose another one.');
  }
  throw err;
}

async function assertMonitorsOfTeam(db: Db, teamId: number, components: Array<{ monitor_id: number }>) {
  const ids = components.map((c) => c.monitor_id);
  const owned = await monitorIdsOfTeam(db, teamId, ids);
  const errors = components
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => !owned.has(c.monitor_id))
    .map(({ c, i }) => ({ path: `body.components.${i}.monitor_id`, message: `monitor ${c.monitor_id} does not exist in this team` }));
  if (errors.length) {
    throw new BadRequest(errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
}

/** After any change: cached public copies of this team's pages (and the named slugs/domains) are stale. */
async function invalidate(deps: StatusPageDeps, teamId: number, slugs: string[], domains: Array<string | null>) {
  await invalidateStatusPagesForTeam(deps.redis, deps.redisPrefix, teamId);
  const keys = [
    ...slugs.map((s) => statusPageCacheKey(deps.redisPrefix, s)),
    ...domains.filter((d): d is string => !!d).map((d) => statusDomainCacheKey(deps.redisPrefix, d)),
  ];
  if (keys.length) await deps.redis.del(...keys).catch(() => undefined);
}

export async function getStatusPage(deps: StatusPageDeps, team: TeamContext, id: number): Promise<StatusPage> {
  const row = await findStatusPage(deps.db, team.id, id);
  if (!row) throw new NotFound('Status page');
  return toStatusPage(deps.publicUrl, row, await listComponents(deps.db, [row.id]));
}

export async function listStatusPages(deps: StatusPageDeps, team: TeamContext, limit: number, cursor: number | null) {
  const rows = await listRows(deps.db, team.id, limit + 1, cursor);
  const page = rows.slice(0, limit);
  const components = await listComponents(
    deps.db,
    page.map((r) => r.id),
  );
  const byPage = new Map<number, StatusPageComponentRow[]>();
  for (const c of components) byPage.set(c.status_page_id, [...(byPage.get(c.status_page_id) ?? []), c]);
  return {
    items: page.map((r) => toStatusPage(deps.publicUrl, r, byPage.get(r.id) ?? [])),
    next_cursor: rows.length > limit ? String(page.at(-1)!.id) : null,
  };
}

export async function createStatusPage(deps: StatusPageDeps, team: TeamContext, body: CreateStatusPageBody): Promise<StatusPage> {
  await assertMonitorsOfTeam(deps.db, team.id, body.components);
  let id: number;
  try {
    id = await deps.db.transaction().execute(async (trx) => {
      // Lock the team row so two concurrent creates cannot both pass the plan limit.
      await trx.selectFrom('teams').select('id').where('id', '=', team.id).forUpdate().executeTakeFirst();
      assertWithinLimit(team.plan, 'status_pages', await countStatusPages(trx, team.id));
      const pageId = await insertStatusPage(trx, team.id, {
        slug: body.slug,
        title: body.title,
        description: body.description ?? null,
        is_public: body.is_public,
        logo_url: body.logo_url ?? null,
        accent_color: body.accent_color ?? null,
        custom_domain: body.custom_domain ?? null,
        show_incident_history: body.show_incident_history,
        show_maintenances: body.show_maintenances,
      });
      await replaceComponents(trx, pageId, body.components);
      return pageId;
    });
  } catch (err) {
    conflictFor(err);
  }
  await invalidate(deps, team.id, [body.slug], [body.custom_domain ?? null]);
  return getStatusPage(deps, team, id);
}

export async function updateStatusPage(deps: StatusPageDeps, team: TeamContext, id: number, body: UpdateStatusPageBody): Promise<StatusPage> {
  const before = await findStatusPage(deps.db, team.id, id);
  if (!before) throw new NotFound('Status page');
  if (body.components) await assertMonitorsOfTeam(deps.db, team.id, body.components);
  const { components, ...fields } = body;
  try {
    await deps.db.transaction().execute(async (trx) => {
      await updateRow(trx, team.id, id, fields);
      if (components) await replaceComponents(trx, id, components);
    });
  } catch (err) {
    conflictFor(err);
  }
  await invalidate(deps, team.id, [before.slug, body.slug ?? before.slug], [before.custom_domain, body.custom_domain ?? null]);
  return getStatusPage(deps, team, id);
}

export async function deleteStatusPage(deps: StatusPageDeps, team: TeamContext, id: number): Promise<void> {
  const before = await findStatusPage(deps.db, team.id, id);
  if (!before || !(await deleteRow(deps.db, team.id, id))) throw new NotFound('Status page');
  await invalidate(deps, team.id, [before.slug], [before.custom_domain]);
}
