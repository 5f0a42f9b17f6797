import {
  decryptSecrets,
  encryptSecrets,
  findChannel,
  newWebhookId,
  SecretDecryptionError,
  sql,
  type Db,
} from '@sentrypulse/db';
import {
  CHANNEL_CONFIG,
  SECRET_FIELDS,
  type Channel,
  type ChannelType,
  type CreateChannelBody,
  type UpdateChannelBody,
} from '@sentrypulse/shared';
import { enqueueDeliveries, type JobProducer } from '@sentrypulse/jobs';
import { forbiddenReason, parseIpLiteral } from '@sentrypulse/shared/address-policy';
import { randomBytes, randomUUID } from 'node:crypto';
import { BadRequest, NotFound } from '../errors';
import { viaRedis } from '../jobs';
import type { TeamContext } from '../types';

export interface ChannelDeps {
  db: Db;
  encryptionKey: Buffer;
  allowPrivate: boolean;
  jobs: JobProducer;
}

type ChannelRow = NonNullable<Awaited<ReturnType<typeof findChannel>>>;

/** Shows enough of a secret to recognise it (prefix and last 4), never enough to use it. */
export function maskSecret(field: string, value: string): string {
  const tail = value.slice(-4);
  if (field === 'secret' && value.startsWith('whsec_')) return `whsec_…${tail}`;
  if (field === 'bot_token' && value.includes(':')) return `${value.split(':')[0]}:…${tail}`;
  return `…${tail}`;
}

function toChannel(deps: ChannelDeps, row: ChannelRow): Channel {
  const config: Record<string, unknown> = { ...row.config };
  let secrets: Record<string, string> = {};
  try {
    secrets = decryptSecrets(deps.encryptionKey, row.team_id, row.secret_ciphertext);
  } catch (err) {
    if (!(err instanceof SecretDecryptionError)) throw err;
    // Listing must keep working after a key mix-up; the field says so instead of a mask.
    for (const f of SECRET_FIELDS[row.type]) config[f] = '(unreadable: wrong ENCRYPTION_KEY?)';
  }
  for (const [k, v] of Object.entries(secrets)) config[k] = maskSecret(k, v);
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    config,
    is_default: Boolean(row.is_default),
    enabled: Boolean(row.enabled),
    disabled_reason: row.disabled_reason,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

function splitSecrets(type: ChannelType, config: Record<string, unknown>) {
  const plain: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    if (v === undefined) continue;
    if (SECRET_FIELDS[type].includes(k)) secrets[k] = String(v);
    else plain[k] = v;
  }
  return { plain, secrets };
}

/**
 * Early feedback for webhook URLs that name a non-public IP literal (or localhost) while
 * OUTBOUND_ALLOW_PRIVATE=false. Not the SSRF guard: host names are resolved and every connection is
 * checked by the worker's guard at send time (ADR 0023); this only refuses what is plainly wrong.
 */
export function webhookUrlProblem(url: string, allowPrivate: boolean): string | null {
  const host = new URL(url).hostname.toLowerCase();
  if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost'))) return 'must not point to localhost';
  if (parseIpLiteral(host) === null) return null;
  // The same policy the worker's guard applies at send time (metadata refused even when private is allowed).
  const reason = forbiddenReason(host, { allowPrivate });
  return reason === null ? null : `must not point to ${reason}`;
}

function checkWebhook(deps: ChannelDeps, config: Record<string, unknown>, path: string) {
  const problem = webhookUrlProblem(String(config.url), deps.allowPrivate);
  if (problem) throw new BadRequest(`${path}: ${problem}`, { errors: [{ path, message: problem }] });
}

export async function listChannels(deps: ChannelDeps, team: TeamContext, limit: number, cursor: number | null) {
  let q = deps.db.selectFrom('notification_channels').selectAll().where('team_id', '=', team.id);
  if (cursor !== null) q = q.where('id', '>', cursor);
  const rows = await q.orderBy('id').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  return { items: page.map((r) => toChannel(deps, r)), next_cursor: rows.length > limit ? String(page.at(-1)!.id) : null };
}

export async function getChannel(deps: ChannelDeps, team: TeamContext, id: number): Promise<Channel> {
  const row = await findChannel(deps.db, team.id, id);
  if (!row) throw new NotFound('Channel');
  return toChannel(deps, row);
}

export async function createChannel(deps: ChannelDeps, team: TeamContext, body: CreateChannelBody): Promise<Channel & { secret: string | null }> {
  const config: Record<string, unknown> = { ...body.config };
  let generated: string | null = null;
  if (body.type === 'webhook') {
    checkWebhook(deps, config, 'body.config.url');
    if (!config.secret) {
      generated = `whsec_${randomBytes(32).toString('base64')}`;
      config.secret = generated;
    }
  }
  const { plain, secrets } = splitSecrets(body.type, config);
  const res = await deps.db
    .insertInto('notification_channels')
    .values({
      team_id: team.id,
      type: body.type,
      name: body.name,
      config: JSON.stringify(plain),
      secret_ciphertext: encryptSecrets(deps.encryptionKey, team.id, secrets),
      is_default: body.is_default ?? false,
      enabled: body.enabled ?? true,
    })
    .executeTakeFirstOrThrow();
  const channel = await getChannel(deps, team, Number(res.insertId));
  return { ...channel, secret: generated };
}

export async function updateChannel(deps: ChannelDeps, team: TeamContext, id: number, body: UpdateChannelBody): Promise<Channel> {
  const row = await findChannel(deps.db, team.id, id);
  if (!row) throw new NotFound('Channel');
  const set: Record<string, unknown> = {};
  if (body.name !== undefined) set.name = body.name;
  if (body.is_default !== undefined) set.is_default = body.is_default;
  if (body.enabled !== undefined) {
    set.enabled = body.enabled;
    if (body.enabled) set.disabled_reason = null;
  }
  if (body.config !== undefined) {
    // Secret fields left out keep their stored value; the rest is replaced and checked as a whole.
    const stored = decryptSecrets(deps.encryptionKey, team.id, row.secret_ciphertext);
    const merged: Record<string, unknown> = { ...row.config, ...body.config };
    for (const f of SECRET_FIELDS[row.type]) if (body.config[f] === undefined && stored[f] !== undefined) merged[f] = stored[f];
    const parsed = CHANNEL_CONFIG[row.type].safeParse(merged);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({ path: ['body', 'config', ...i.path.map(String)].join('.'), message: i.message }));
      throw new BadRequest(errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
    }
    const config = parsed.data as Record<string, unknown>;
    if (row.type === 'webhook') {
      checkWebhook(deps, config, 'body.config.url');
      if (!config.secret) throw new BadRequest('body.config.secret: the webhook has no signing secret', { errors: [{ path: 'body.config.secret', message: 'is required' }] });
    }
    const { plain, secrets } = splitSecrets(row.type, config);
    set.config = JSON.stringify(plain);
    set.secret_ciphertext = encryptSecrets(deps.encryptionKey, team.id, secrets);
  }
  if (Object.keys(set).length > 0) {
    await deps.db
      .updateTable('notification_channels')
      .set({ ...set, updated_at: sql<Date>`CURRENT_TIMESTAMP(3)` })
      .where('team_id', '=', team.id)
      .where('id', '=', id)
      .execute();
  }
  return getChannel(deps, team, id);
}

export async function deleteChannel(deps: ChannelDeps, team: TeamContext, id: number): Promise<void> {
  const res = await deps.db.deleteFrom('notification_channels').where('team_id', '=', team.id).where('id', '=', id).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw new NotFound('Channel');
}

/**
 * "Send test": one alerts_sent row (event 'test') and its delivery job; the worker sends it like any
 * alert, so the test exercises the same path, and the outcome shows in the delivery log.
 *
 * The job is added after the row is committed: added inside a transaction, an idle worker could
 * take it before the commit, find no row and drop it, and its fixed job id would block any retry.
 * If Redis fails then, the row is deleted again and the answer is 503, so no row stays pending
 * without a job (ADR 0100).
 */
export async function sendTest(deps: ChannelDeps, team: TeamContext, id: number): Promise<{ alert_id: string; status: 'pending' }> {
  const row = await findChannel(deps.db, team.id, id);
  if (!row) throw new NotFound('Channel');
  if (!row.enabled) throw new BadRequest(`The channel is disabled${row.disabled_reason ? ` (${row.disabled_reason})` : ''}; enable it first.`);
  const res = await deps.db
    .insertInto('alerts_sent')
    .values({
      team_id: team.id,
      channel_id: id,
      channel_type: row.type,
      event_id: null,
      event_key: `test:${randomUUID()}`,
      event_type: 'test',
      idempotency_key: newWebhookId(),
    })
    .executeTakeFirstOrThrow();
  const alertId = String(res.insertId);
  try {
    await viaRedis('send test', () => enqueueDeliveries(deps.jobs, [alertId]));
  } catch (err) {
    await deps.db.deleteFrom('alerts_sent').where('id', '=', alertId).execute();
    throw err;
  }
  return { alert_id: alertId, status: 'pending' };
}
