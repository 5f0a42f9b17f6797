import { invalidateStatusPagesForTeam, statusDomainCacheKey, statusPageCacheKey, type StatusPageRow, transactionWithRetry } from '@sentrypulse/db';
import type { CreateStatusPageBody, PublicStatusPage, StatusPage, UpdateStatusPageBody } from '@sentrypulse/shared';
import { teamScope, type ServiceContext } from '../context';
import { BadRequest, Conflict, isDuplicateKey, NotFound } from '../errors';
import { keysetPage } from '../pagination';
import { buildPublicPage, publicPageUrl } from '../public/service';
import { assertWithinLimit } from '../teams/limits';
import { lockTeam } from '../teams/queries';
import {
  countStatusPages,
  deleteStatusPage as deleteRow,
  findStatusPage,
  insertStatusPage,
  listComponents,
  listStatusPages as listRows,
  monitorIdsOfTeam,
  replaceComponents,
  updateStatusPage as updateRow,
  type StatusPageComponentRow,
} from './queries';

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

async function assertMonitorsOfTeam(ctx: ServiceContext, teamId: number, components: Array<{ monitor_id: number }>) {
  const ids = components.map((c) => c.monitor_id);
  const owned = await monitorIdsOfTeam(ctx.db, teamId, ids);
  const errors = components
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => !owned.has(c.monitor_id))
    .map(({ c, i }) => ({ path: `body.components.${i}.monitor_id`, message: `monitor ${c.monitor_id} does not exist in this team` }));
  if (errors.length) {
    throw new BadRequest(errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
}

/** After any change: cached public copies of this team's pages (and the named slugs/domains) are stale. */
async function invalidate(ctx: ServiceContext, teamId: number, slugs: string[], domains: Array<string | null>) {
  const prefix = ctx.config.redisPrefix;
  await invalidateStatusPagesForTeam(ctx.redis, prefix, teamId);
  const keys = [
    ...slugs.map((s) => statusPageCacheKey(prefix, s)),
    ...domains.filter((d): d is string => !!d).map((d) => statusDomainCacheKey(prefix, d)),
  ];
  if (keys.length) await ctx.redis.del(...keys).catch(() => undefined);
}

async function findPage(ctx: ServiceContext, teamId: number, id: number): Promise<StatusPageRow> {
  const row = await findStatusPage(ctx.db, teamId, id);
  if (!row) throw new NotFound('Status page');
  return row;
}

export async function getStatusPage(ctx: ServiceContext, id: number): Promise<StatusPage> {
  const row = await findPage(ctx, teamScope(ctx).id, id);
  return toStatusPage(ctx.config.publicUrl, row, await listComponents(ctx.db, [row.id]));
}

export async function listStatusPages(ctx: ServiceContext, limit: number, cursor: number | null) {
  const rows = await listRows(ctx.db, teamScope(ctx).id, limit + 1, cursor);
  const components = await listComponents(
    ctx.db,
    rows.slice(0, limit).map((r) => r.id),
  );
  const byPage = new Map<number, StatusPageComponentRow[]>();
  for (const c of components) byPage.set(c.status_page_id, [...(byPage.get(c.status_page_id) ?? []), c]);
  return keysetPage(rows, limit, (r) => r.id, (r) => toStatusPage(ctx.config.publicUrl, r, byPage.get(r.id) ?? []));
}

export async function createStatusPage(ctx: ServiceContext, body: CreateStatusPageBody): Promise<StatusPage> {
  const team = teamScope(ctx);
  await assertMonitorsOfTeam(ctx, team.id, body.components);
  let id: number;
  try {
    id = await transactionWithRetry(ctx.db, async (trx) => {
      await lockTeam(trx, team.id);
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
  await invalidate(ctx, team.id, [body.slug], [body.custom_domain ?? null]);
  return getStatusPage(ctx, id);
}

export async function updateStatusPage(ctx: ServiceContext, id: number, body: UpdateStatusPageBody): Promise<StatusPage> {
  const team = teamScope(ctx);
  const before = await findPage(ctx, team.id, id);
  if (body.components) await assertMonitorsOfTeam(ctx, team.id, body.components);
  const { components, ...fields } = body;
  try {
    await transactionWithRetry(ctx.db, async (trx) => {
      await updateRow(trx, team.id, id, fields);
      if (components) await replaceComponents(trx, id, components);
    });
  } catch (err) {
    conflictFor(err);
  }
  await invalidate(ctx, team.id, [before.slug, body.slug ?? before.slug], [before.custom_domain, body.custom_domain ?? null]);
  return getStatusPage(ctx, id);
}

export async function deleteStatusPage(ctx: ServiceContext, id: number): Promise<void> {
  const team = teamScope(ctx);
  const before = await findStatusPage(ctx.db, team.id, id);
  if (!before || !(await deleteRow(ctx.db, team.id, id))) throw new NotFound('Status page');
  await invalidate(ctx, team.id, [before.slug], [before.custom_domain]);
}

/** The page as visitors would see it, also when it is private (the team's own preview, never cached). */
export async function previewStatusPage(ctx: ServiceContext, id: number): Promise<PublicStatusPage> {
  const page = await getStatusPage(ctx, id);
  return buildPublicPage(ctx, page.slug, { includePrivate: true });
}
