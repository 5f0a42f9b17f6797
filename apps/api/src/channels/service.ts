import { decryptSecrets, encryptSecrets, findChannel, SecretDecryptionError } from '@sentrypulse/db';
import {
  CHANNEL_CONFIG,
  SECRET_FIELDS,
  URL_FIELDS,
  type Channel,
  type ChannelType,
  type CreateChannelBody,
  type UpdateChannelBody,
} from '@sentrypulse/shared';
import { enqueueDeliveries } from '@sentrypulse/jobs';
import { forbiddenReason, parseIpLiteral } from '@sentrypulse/shared/address-policy';
import { randomBytes, randomUUID } from 'node:crypto';
import { teamScope, type ServiceContext } from '../context';
import { BadRequest, NotFound } from '../errors';
import { viaRedis } from '../jobs';
import { keysetPage } from '../pagination';
import * as q from './queries';

type ChannelRow = NonNullable<Awaited<ReturnType<typeof findChannel>>>;

/** Shows enough of a secret to recognise it (prefix and last 4), never enough to use it. */
export function maskSecret(field: string, value: string): string {
  const tail = value.slice(-4);
  if (field === 'secret' && value.startsWith('whsec_')) return `whsec_…${tail}`;
  if (field === 'bot_token' && value.includes(':')) return `${value.split(':')[0]}:…${tail}`;
  // Incoming-webhook URLs are the credential: the host says which service, the rest is hidden.
  if (field === 'webhook_url') {
    try {
      return `${new URL(value).origin}/…${tail}`;
    } catch {
      return `…${tail}`;
    }
  }
  return `…${tail}`;
}

function toChannel(ctx: ServiceContext, row: ChannelRow): Channel {
  const config: Record<string, unknown> = { ...row.config };
  let secrets: Record<string, string> = {};
  try {
    secrets = decryptSecrets(ctx.config.encryptionKey, row.team_id, row.secret_ciphertext);
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

function checkWebhook(ctx: ServiceContext, config: Record<string, unknown>, path: string) {
  const problem = webhookUrlProblem(String(config.url), ctx.config.outboundAllowPrivate);
  if (problem) throw new BadRequest(`${path}: ${problem}`, { errors: [{ path, message: problem }] });
}

/**
 * The user-given URLs of the on-call types (Slack/Discord/Teams webhook, ntfy server): https only
 * (plain http only where OUTBOUND_ALLOW_PRIVATE=true, for local servers), and no private address
 * literal or localhost. The worker's guard checks the connected address again at send time.
 */
function checkUrls(ctx: ServiceContext, type: ChannelType, config: Record<string, unknown>) {
  for (const field of URL_FIELDS[type]) {
    if (type === 'webhook' || config[field] === undefined) continue;
    const path = `body.config.${field}`;
    const url = new URL(String(config[field]));
    const problem =
      url.protocol !== 'https:' && !ctx.config.outboundAllowPrivate
        ? 'must use https (plain http only with OUTBOUND_ALLOW_PRIVATE=true)'
        : webhookUrlProblem(url.toString(), ctx.config.outboundAllowPrivate);
    if (problem) throw new BadRequest(`${path}: ${problem}`, { errors: [{ path, message: problem }] });
  }
}

export async function listChannels(ctx: ServiceContext, limit: number, cursor: number | null) {
  const team = teamScope(ctx);
  const rows = await q.listChannels(ctx.db, team.id, cursor, limit + 1);
  return keysetPage(rows, limit, (r) => r.id, (r) => toChannel(ctx, r));
}

export async function getChannel(ctx: ServiceContext, id: number): Promise<Channel> {
  const team = teamScope(ctx);
  const row = await findChannel(ctx.db, team.id, id);
  if (!row) throw new NotFound('Channel');
  return toChannel(ctx, row);
}

export async function createChannel(ctx: ServiceContext, body: CreateChannelBody): Promise<Channel & { secret: string | null }> {
  const team = teamScope(ctx);
  const config: Record<string, unknown> = { ...body.config };
  let generated: string | null = null;
  checkUrls(ctx, body.type, config);
  if (body.type === 'webhook') {
    checkWebhook(ctx, config, 'body.config.url');
    if (!config.secret) {
      generated = `whsec_${randomBytes(32).toString('base64')}`;
      config.secret = generated;
    }
  }
  const { plain, secrets } = splitSecrets(body.type, config);
  const id = await q.insertChannel(ctx.db, team.id, {
    type: body.type,
    name: body.name,
    config: JSON.stringify(plain),
    secret_ciphertext: encryptSecrets(ctx.config.encryptionKey, team.id, secrets),
    is_default: body.is_default ?? false,
    enabled: body.enabled ?? true,
  });
  const channel = await getChannel(ctx, id);
  return { ...channel, secret: generated };
}

export async function updateChannel(ctx: ServiceContext, id: number, body: UpdateChannelBody): Promise<Channel> {
  const team = teamScope(ctx);
  const row = await findChannel(ctx.db, team.id, id);
  if (!row) throw new NotFound('Channel');
  const set: q.ChannelChanges = {};
  if (body.name !== undefined) set.name = body.name;
  if (body.is_default !== undefined) set.is_default = body.is_default;
  if (body.enabled !== undefined) {
    set.enabled = body.enabled;
    if (body.enabled) set.disabled_reason = null;
  }
  if (body.config !== undefined) {
    // Secret fields left out keep their stored value; the rest is replaced and checked as a whole.
    const stored = decryptSecrets(ctx.config.encryptionKey, team.id, row.secret_ciphertext);
    const merged: Record<string, unknown> = { ...row.config, ...body.config };
    for (const f of SECRET_FIELDS[row.type]) if (body.config[f] === undefined && stored[f] !== undefined) merged[f] = stored[f];
    const parsed = CHANNEL_CONFIG[row.type].safeParse(merged);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({ path: ['body', 'config', ...i.path.map(String)].join('.'), message: i.message }));
      throw new BadRequest(errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
    }
    const config = parsed.data as Record<string, unknown>;
    checkUrls(ctx, row.type, config);
    if (row.type === 'webhook') {
      checkWebhook(ctx, config, 'body.config.url');
      if (!config.secret) throw new BadRequest('body.config.secret: the webhook has no signing secret', { errors: [{ path: 'body.config.secret', message: 'is required' }] });
    }
    const { plain, secrets } = splitSecrets(row.type, config);
    set.config = JSON.stringify(plain);
    set.secret_ciphertext = encryptSecrets(ctx.config.encryptionKey, team.id, secrets);
  }
  if (Object.keys(set).length > 0) await q.updateChannel(ctx.db, team.id, id, set);
  return getChannel(ctx, id);
}

export async function deleteChannel(ctx: ServiceContext, id: number): Promise<void> {
  const team = teamScope(ctx);
  if ((await q.deleteChannel(ctx.db, team.id, id)) === 0) throw new NotFound('Channel');
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
export async function sendTest(ctx: ServiceContext, id: number): Promise<{ alert_id: string; status: 'pending' }> {
  const team = teamScope(ctx);
  const row = await findChannel(ctx.db, team.id, id);
  if (!row) throw new NotFound('Channel');
  if (!row.enabled) throw new BadRequest(`The channel is disabled${row.disabled_reason ? ` (${row.disabled_reason})` : ''}; enable it first.`);
  const alertId = await q.insertTestAlert(ctx.db, team.id, id, row.type, `test:${randomUUID()}`);
  try {
    await viaRedis('send test', () => enqueueDeliveries(ctx.jobs, [alertId]));
  } catch (err) {
    await q.deleteAlert(ctx.db, team.id, alertId);
    throw err;
  }
  return { alert_id: alertId, status: 'pending' };
}
