import { findIncidentEscalation, insertEvent, transactionWithRetry } from '@sentrypulse/db';
import type { CreateEscalationPolicyBody, EscalationPolicy, IncidentEscalation, UpdateEscalationPolicyBody } from '@sentrypulse/shared';
import { verifyAckToken } from '@sentrypulse/shared/ack-link';
import { teamScope, type ServiceContext } from '../context';
import { BadRequest, Conflict, Forbidden, Gone, NotFound } from '../errors';
import { findIncidentState } from '../incidents/queries';
import { publishEvents } from '../incidents/service';
import { keysetPage } from '../pagination';
import * as q from './queries';

type PolicyRow = NonNullable<Awaited<ReturnType<typeof q.findPolicy>>>;

function toPolicy(r: PolicyRow): EscalationPolicy {
  return {
    id: r.id,
    name: r.name,
    steps: r.steps,
    repeat: r.repeat_count,
    remind_every_seconds: r.remind_every_seconds,
    is_default: Boolean(r.is_default),
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

/** Every channel a step names must be a channel of this team (400 naming the first that is not). */
async function assertChannels(ctx: ServiceContext, teamId: number, steps: Array<{ channel_ids: number[] }>): Promise<void> {
  const all = [...new Set(steps.flatMap((s) => s.channel_ids))];
  const known = await q.teamChannelIds(ctx.db, teamId, all);
  for (const [i, s] of steps.entries()) {
    const j = s.channel_ids.findIndex((id) => !known.has(id));
    if (j >= 0) {
      const path = `body.steps.${i}.channel_ids.${j}`;
      throw new BadRequest(`${path}: ${s.channel_ids[j]} is not a channel of this team`, { errors: [{ path, message: 'is not a channel of this team' }] });
    }
  }
}

function assertRepeatLoop(steps: Array<{ delay_seconds: number }>, repeat: number): void {
  if (repeat > 0 && steps.every((s) => s.delay_seconds === 0)) {
    throw new BadRequest('body.repeat: a repeating policy needs at least one step with a delay (it would loop at once)', { errors: [{ path: 'body.repeat', message: 'needs a step with a delay' }] });
  }
}

export async function listPolicies(ctx: ServiceContext, limit: number, cursor: number | null) {
  const team = teamScope(ctx);
  const rows = await q.listPolicies(ctx.db, team.id, cursor, limit + 1);
  return keysetPage(rows, limit, (r) => r.id, toPolicy);
}

export async function getPolicy(ctx: ServiceContext, id: number): Promise<EscalationPolicy> {
  const team = teamScope(ctx);
  const row = await q.findPolicy(ctx.db, team.id, id);
  if (!row) throw new NotFound('Escalation policy');
  return toPolicy(row);
}

export async function createPolicy(ctx: ServiceContext, body: CreateEscalationPolicyBody): Promise<EscalationPolicy> {
  const team = teamScope(ctx);
  await assertChannels(ctx, team.id, body.steps);
  const id = await transactionWithRetry(ctx.db, async (trx) => {
    const id = await q.insertPolicy(trx, team.id, {
      name: body.name,
      steps: JSON.stringify(body.steps.map((s) => ({ delay_seconds: s.delay_seconds, channel_ids: [...new Set(s.channel_ids)] }))),
      repeat_count: body.repeat ?? 0,
      remind_every_seconds: body.remind_every_seconds ?? null,
      is_default: body.is_default ?? false,
    });
    if (body.is_default) await q.clearOtherDefaults(trx, team.id, id);
    return id;
  });
  return getPolicy(ctx, id);
}

export async function updatePolicy(ctx: ServiceContext, id: number, body: UpdateEscalationPolicyBody): Promise<EscalationPolicy> {
  const team = teamScope(ctx);
  const row = await q.findPolicy(ctx.db, team.id, id);
  if (!row) throw new NotFound('Escalation policy');
  const steps = body.steps ?? row.steps;
  if (body.steps) await assertChannels(ctx, team.id, body.steps);
  assertRepeatLoop(steps, body.repeat ?? row.repeat_count);
  const set: Partial<q.PolicyValues> = {};
  if (body.name !== undefined) set.name = body.name;
  if (body.steps !== undefined) set.steps = JSON.stringify(body.steps.map((s) => ({ delay_seconds: s.delay_seconds, channel_ids: [...new Set(s.channel_ids)] })));
  if (body.repeat !== undefined) set.repeat_count = body.repeat;
  if (body.remind_every_seconds !== undefined) set.remind_every_seconds = body.remind_every_seconds;
  if (body.is_default !== undefined) set.is_default = body.is_default;
  await transactionWithRetry(ctx.db, async (trx) => {
    if (Object.keys(set).length > 0) await q.updatePolicy(trx, team.id, id, set);
    if (body.is_default) await q.clearOtherDefaults(trx, team.id, id);
  });
  return getPolicy(ctx, id);
}

/** Deleting a policy: monitors naming it fall back to the team default (ON DELETE SET NULL); running escalations keep their snapshot. */
export async function deletePolicy(ctx: ServiceContext, id: number): Promise<void> {
  const team = teamScope(ctx);
  if ((await q.deletePolicy(ctx.db, team.id, id)) === 0) throw new NotFound('Escalation policy');
}

/** Null for an incident of the team that is not escalated (its monitor has no policy); 404 for an unknown incident. */
export async function getIncidentEscalation(ctx: ServiceContext, incidentId: number): Promise<IncidentEscalation | null> {
  const team = teamScope(ctx);
  const row = await findIncidentEscalation(ctx.db, team.id, incidentId);
  if (!row) {
    if (await findIncidentState(ctx.db, team.id, incidentId)) return null;
    throw new NotFound('Incident');
  }
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    incident_id: row.incident_id,
    policy_id: row.policy_id,
    policy: row.policy,
    started_at: row.started_at.toISOString(),
    last_round: row.last_round,
    last_step: row.last_step,
    next_at: iso(row.next_at),
    reminders_sent: row.reminders_sent,
    stopped_at: iso(row.stopped_at),
    stopped_reason: row.stopped_reason,
  };
}

const CHANNEL_LABEL = {
  email: 'Email',
  telegram: 'Telegram',
  whatsapp: 'WhatsApp',
  webhook: 'Webhook',
  slack: 'Slack',
  discord: 'Discord',
  teams: 'Teams',
  pagerduty: 'PagerDuty',
  opsgenie: 'Opsgenie',
  ntfy: 'ntfy',
  pushover: 'Pushover',
  sms: 'SMS',
} as const;

function claimsOf(ctx: ServiceContext, token: string) {
  const check = verifyAckToken(ctx.config.encryptionKey, token);
  if (check.ok) return check.claims;
  if (check.reason === 'malformed') throw new BadRequest('token: this is not an acknowledge link token.', { errors: [{ path: 'token', message: 'malformed' }] });
  if (check.reason === 'forged') throw new Forbidden('This acknowledge link is not valid (its signature does not match).');
  throw new Gone('This acknowledge link has expired; acknowledge from the dashboard instead.');
}

/** What an acknowledge link is for (the confirmation page shows it before the click). */
export async function previewAckLink(ctx: ServiceContext, token: string) {
  const c = claimsOf(ctx, token);
  const inc = await q.findIncidentSummary(ctx.db, c.teamId, c.incidentId);
  if (!inc) throw new NotFound('Incident');
  const used = await q.ackLinkUsed(ctx.db, c.teamId, c.nonce);
  return {
    incident: { id: inc.id, title: inc.title, status: inc.status, severity: inc.severity, started_at: inc.started_at.toISOString() },
    acknowledged_at: inc.acknowledged_at ? inc.acknowledged_at.toISOString() : null,
    acknowledged_via: inc.acknowledged_via,
    used: Boolean(used),
    expires_at: new Date(c.expiresAt * 1000).toISOString(),
  };
}

/**
 * Acknowledge from a signed link, without logging in (ADR 0121): the signature and expiry are
 * checked, the link must be unused and (when the page says which) for this incident, the incident
 * open and not yet acknowledged. Records who (the channel's recipient) and when, stops escalation
 * and forwards the acknowledgement like the dashboard's (an incident.acknowledged event).
 */
export async function acknowledgeFromLink(ctx: ServiceContext, token: string, incidentId: number | undefined) {
  const c = claimsOf(ctx, token);
  if (incidentId !== undefined && incidentId !== c.incidentId) throw new Forbidden('This acknowledge link is for another incident.');
  const channel = c.channelId !== null ? await q.findChannelName(ctx.db, c.teamId, c.channelId) : undefined;
  const via = channel ? `${CHANNEL_LABEL[channel.type]}: ${channel.name} (link)` : 'acknowledge link';
  const at = new Date();
  const events = await transactionWithRetry(ctx.db, async (trx) => {
    const inc = await q.lockIncident(trx, c.teamId, c.incidentId);
    if (!inc) throw new NotFound('Incident');
    if (!(await q.useAckNonce(trx, c.teamId, c.incidentId, c.channelId, c.nonce))) throw new Conflict('This acknowledge link was already used.');
    if (inc.status === 'resolved') throw new Conflict('The incident is already resolved.');
    if (inc.acknowledged_at !== null) throw new Conflict('The incident is already acknowledged.');
    await q.acknowledgeVia(trx, c.teamId, c.incidentId, via, at);
    return [await insertEvent(trx, c.teamId, c.incidentId, inc.monitor_id, null, 'incident.acknowledged')];
  });
  await publishEvents(ctx, events);
  return { incident_id: c.incidentId, acknowledged_at: at.toISOString(), acknowledged_via: via };
}
