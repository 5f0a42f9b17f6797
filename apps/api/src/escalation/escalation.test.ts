import { loadConfig } from '@sentrypulse/shared/config';
import { signAckToken } from '@sentrypulse/shared/ack-link';
import { enqueueIncidentEvents } from '@sentrypulse/jobs';
import pino from 'pino';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, closeWorkerContext, createWorkerContext, modules, notifyModule, startProviderFake, type FakeServer, type OncallKind, type RunningModule, type WorkerContext } from '@sentrypulse/worker/testing';
import { bearer, createTeam, createTestApp, createUser, teamWithRoles, type TestApp, type TestUser } from '../../test/helpers';
import { databaseFingerprint } from '../../test/tables';

/**
 * Escalation end to end against a real worker and real provider fakes (SPEC 11): down → Slack +
 * PagerDuty trigger (one dedup_key) → no ack → step 2 SMS after its delay → acknowledge from the
 * SMS link → PagerDuty acknowledge, no further step → recovery → resolve to exactly the channels
 * notified. Plus the policy API's bad input and the acknowledge link's refusals.
 */
const KEY = 'ef'.repeat(32);
const kinds: OncallKind[] = ['slack', 'pagerduty', 'sms', 'discord'];
const fakes = {} as Record<OncallKind, FakeServer>;
const SID = `AC${'c3'.repeat(16)}`;

let t: TestApp;
let worker: { ctx: WorkerContext; mod: RunningModule; monitoring: RunningModule };
let target: { server: Server; url: string; healthy: boolean };
let teamId: number;
let admin: TestUser;
let member: TestUser;
const ch = {} as Record<'slack' | 'pagerduty' | 'sms' | 'discord', number>;

beforeAll(async () => {
  for (const k of kinds) fakes[k] = await startProviderFake(k);
  const bases = { PAGERDUTY_API_BASE: fakes.pagerduty.url, TWILIO_API_BASE: fakes.sms.url };
  t = await createTestApp({ ENCRYPTION_KEY: KEY, ...bases });
  const env = { ...process.env, NODE_ENV: 'test', DATABASE_URL: t.database.url, REDIS_PREFIX: t.config.redisPrefix, ENCRYPTION_KEY: KEY, OUTBOUND_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'silent', PUBLIC_URL: 'http://localhost:3000', ...bases };
  const ctx = createWorkerContext(loadConfig(env), pino({ level: 'silent' }));
  // The real checks too: the flow below starts from a target going down.
  const monitoring = await modules.find((m) => m.name === 'monitoring')!.start(ctx);
  worker = { ctx, mod: await notifyModule({ policy: { attempts: 3, backoffMs: 200 } }).start(ctx), monitoring };
  target = { server: createServer((_req, res) => res.writeHead(target.healthy ? 200 : 503).end(target.healthy ? 'ok' : 'down')), url: '', healthy: true };
  await new Promise<void>((r) => target.server.listen(0, '127.0.0.1', r));
  target.url = `http://127.0.0.1:${(target.server.address() as { port: number }).port}/health`;
  ({ teamId, admin, member } = await teamWithRoles(t));
  const make = async (type: string, config: Record<string, unknown>) => (await post(`/api/teams/${teamId}/channels`, { type, name: `${type} on-call`, config })).json().id as number;
  ch.slack = await make('slack', { webhook_url: `${fakes.slack.url}/services/T1/B1/x` });
  ch.pagerduty = await make('pagerduty', { routing_key: 'PdKeyPdKeyPdKeyPdKeyPdKeyPdKey77' });
  ch.sms = await make('sms', { account_sid: SID, auth_token: 'twiliosecrettoken0123456789abcd', from: '+15550001111', to: '+15552223333' });
  ch.discord = await make('discord', { webhook_url: `${fakes.discord.url}/api/webhooks/1/y` });
});

afterAll(async () => {
  await worker?.mod.close();
  await worker?.monitoring.close();
  if (worker) await closeWorkerContext(worker.ctx);
  target?.server.closeAllConnections();
  await new Promise((r) => target?.server.close(r));
  await t?.close();
  await Promise.all(kinds.map((k) => fakes[k]?.close()));
});

function post(url: string, payload: unknown, user: TestUser = admin) {
  return t.app.inject({ method: 'POST', url, headers: bearer(user), payload: payload as object });
}

async function waitFor<T>(fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A monitor (routed to Discord, which is not in the policy) and its incident opened as the engine does it. */
async function openIncident(policyId: number | null): Promise<{ incidentId: number; monitorId: number; openedAt: number }> {
  const m = await post(`/api/teams/${teamId}/monitors`, { name: 'API', type: 'http', url: 'https://api.example.com/health', interval_seconds: 60, enabled: false, channel_ids: [ch.discord], escalation_policy_id: policyId });
  expect(m.statusCode).toBe(201);
  expect(m.json().escalation_policy_id).toBe(policyId);
  const monitorId = m.json().id as number;
  const inc = await t.db.insertInto('incidents').values({ team_id: teamId, monitor_id: monitorId, kind: 'auto', title: 'API is down', severity: 'critical', started_at: new Date() }).executeTakeFirstOrThrow();
  const incidentId = Number(inc.insertId);
  const ev = await t.db.insertInto('incident_events').values({ team_id: teamId, incident_id: incidentId, monitor_id: monitorId, type: 'incident.opened' }).executeTakeFirstOrThrow();
  const openedAt = Date.now();
  await enqueueIncidentEvents(t.app.jobs, [Number(ev.insertId)]);
  return { incidentId, monitorId, openedAt };
}

const texts = (k: OncallKind) => fakes[k].requests.map((r) => JSON.stringify(bodyOf(r)));
/** Requests about one incident: PagerDuty by its dedup_key, chat by the monitor link. */
const count = (k: OncallKind, o: { incidentId: number; monitorId: number }) =>
  fakes[k].requests.filter((r) => {
    const b = JSON.stringify(bodyOf(r));
    return b.includes(`-incident-${o.incidentId}"`) || b.includes(`/monitors/${o.monitorId}"`);
  }).length;

describe('escalation policy API', () => {
  it('creates, reads, updates, lists and deletes a policy; one default per team', async () => {
    const res = await post(`/api/teams/${teamId}/escalation-policies`, { name: 'Primary', steps: [{ delay_seconds: 300, channel_ids: [ch.slack] }, { delay_seconds: 600, channel_ids: [ch.pagerduty, ch.pagerduty] }], repeat: 1, remind_every_seconds: 900, is_default: true });
    expect(res.statusCode).toBe(201);
    const p = res.json();
    expect(p).toMatchObject({ name: 'Primary', steps: [{ delay_seconds: 300, channel_ids: [ch.slack] }, { delay_seconds: 600, channel_ids: [ch.pagerduty] }], repeat: 1, remind_every_seconds: 900, is_default: true });
    const second = (await post(`/api/teams/${teamId}/escalation-policies`, { name: 'Second', steps: [{ delay_seconds: 0, channel_ids: [ch.sms] }], is_default: true })).json();
    expect((await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/escalation-policies/${p.id}`, headers: bearer(member) })).json().is_default).toBe(false);
    const patched = await t.app.inject({ method: 'PATCH', url: `/api/teams/${teamId}/escalation-policies/${p.id}`, headers: bearer(admin), payload: { name: 'Renamed', repeat: 0 } });
    expect(patched.json()).toMatchObject({ name: 'Renamed', repeat: 0 });
    const list = (await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/escalation-policies`, headers: bearer(member) })).json();
    expect(list.items.map((i: { id: number }) => i.id)).toEqual(expect.arrayContaining([p.id, second.id]));
    for (const id of [p.id, second.id]) expect((await t.app.inject({ method: 'DELETE', url: `/api/teams/${teamId}/escalation-policies/${id}`, headers: bearer(admin) })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/escalation-policies/${p.id}`, headers: bearer(admin) })).statusCode).toBe(404);
  });

  it("answers null for an incident that is not escalated, 404 for an unknown incident", async () => {
    const inc = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/incidents`, headers: bearer(admin), payload: { title: 'Manual, no policy', message: 'Looking' } });
    expect(inc.statusCode).toBe(201);
    const none = await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/incidents/${inc.json().id}/escalation`, headers: bearer(member) });
    // A team default policy would escalate even a manual incident; this team has none at this point.
    expect([none.statusCode, none.json()]).toEqual([200, null]);
    const unknown = await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/incidents/2147483000/escalation`, headers: bearer(member) });
    expect(unknown.statusCode).toBe(404);
  });

  it('answers 403 to members changing policies and 404 to another team', async () => {
    const stranger = await createUser(t, 'Stranger');
    await createTeam(t, stranger);
    const before = await databaseFingerprint(t.db);
    expect((await post(`/api/teams/${teamId}/escalation-policies`, { name: 'x', steps: [{ delay_seconds: 0, channel_ids: [ch.slack] }] }, member)).statusCode).toBe(403);
    expect((await post(`/api/teams/${teamId}/escalation-policies`, { name: 'x', steps: [{ delay_seconds: 0, channel_ids: [ch.slack] }] }, stranger)).statusCode).toBe(404);
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });

  const steps = (n: number) => Array.from({ length: n }, () => ({ delay_seconds: 60, channel_ids: [1] }));
  it.each([
    ['no steps', { name: 'x', steps: [] }, /at least one step/],
    ['more than 10 steps', { name: 'x', steps: steps(11) }, /at most 10 steps/],
    ['a delay over 24 h', { name: 'x', steps: [{ delay_seconds: 86_401, channel_ids: [1] }] }, /86400/],
    ['a step without channels', { name: 'x', steps: [{ delay_seconds: 0, channel_ids: [] }] }, /at least one channel/],
    ['repeat over the limit', { name: 'x', steps: [{ delay_seconds: 60, channel_ids: [1] }], repeat: 6 }, /0\.\.5/],
    ['a loop of repeats with no delay', { name: 'x', steps: [{ delay_seconds: 0, channel_ids: [1] }], repeat: 3 }, /loop at once/],
    ['reminders more often than every minute', { name: 'x', steps: [{ delay_seconds: 0, channel_ids: [1] }], remind_every_seconds: 5 }, /at least 60/],
  ])('refuses %s with a 400 and stores nothing', async (_label, body, message) => {
    const before = await databaseFingerprint(t.db);
    const res = await post(`/api/teams/${teamId}/escalation-policies`, body);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatch(message);
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });

  it('refuses channels of another team (400, nothing stored) and a foreign policy on a monitor', async () => {
    const stranger = await createUser(t, 'Other');
    const other = await createTeam(t, stranger);
    const foreign = (await post(`/api/teams/${other}/channels`, { type: 'slack', name: 'theirs', config: { webhook_url: 'https://hooks.slack.com/services/a/b/c' } }, stranger)).json().id;
    const before = await databaseFingerprint(t.db);
    const res = await post(`/api/teams/${teamId}/escalation-policies`, { name: 'x', steps: [{ delay_seconds: 0, channel_ids: [ch.slack] }, { delay_seconds: 60, channel_ids: [ch.sms, foreign] }] });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toBe(`body.steps.1.channel_ids.1: ${foreign} is not a channel of this team`);
    expect(await databaseFingerprint(t.db)).toEqual(before);
    const theirPolicy = (await post(`/api/teams/${other}/escalation-policies`, { name: 'theirs', steps: [{ delay_seconds: 0, channel_ids: [foreign] }] }, stranger)).json().id;
    const m = (await post(`/api/teams/${teamId}/monitors`, { name: 'M', type: 'http', url: 'https://x.example.com', interval_seconds: 60, enabled: false })).json().id;
    const before2 = await databaseFingerprint(t.db);
    const set = await t.app.inject({ method: 'PATCH', url: `/api/teams/${teamId}/monitors/${m}`, headers: bearer(admin), payload: { escalation_policy_id: theirPolicy } });
    expect(set.statusCode).toBe(400);
    expect(set.json().detail).toMatch(/not an escalation policy of this team/);
    const created = await post(`/api/teams/${teamId}/monitors`, { name: 'N', type: 'http', url: 'https://y.example.com', interval_seconds: 60, enabled: false, escalation_policy_id: theirPolicy });
    expect(created.statusCode).toBe(400);
    expect(await databaseFingerprint(t.db)).toEqual(before2);
    const own = (await post(`/api/teams/${teamId}/escalation-policies`, { name: 'own', steps: [{ delay_seconds: 0, channel_ids: [ch.slack] }] })).json().id;
    const ok = await t.app.inject({ method: 'PATCH', url: `/api/teams/${teamId}/monitors/${m}`, headers: bearer(admin), payload: { escalation_policy_id: own } });
    expect(ok.json().escalation_policy_id).toBe(own);
    const cleared = await t.app.inject({ method: 'PATCH', url: `/api/teams/${teamId}/monitors/${m}`, headers: bearer(admin), payload: { escalation_policy_id: null } });
    expect(cleared.json().escalation_policy_id).toBeNull();
    await t.app.inject({ method: 'DELETE', url: `/api/teams/${teamId}/escalation-policies/${own}`, headers: bearer(admin) });
  });
});

describe('the on-call flow', () => {
  it('down → Slack + PagerDuty trigger → step 2 SMS after its delay → ack from the SMS link → PagerDuty acknowledge, no step 3 → resolve to exactly the notified channels', async () => {
    const policy = (
      await post(`/api/teams/${teamId}/escalation-policies`, {
        name: 'Flow',
        steps: [
          { delay_seconds: 2, channel_ids: [ch.slack, ch.pagerduty] },
          { delay_seconds: 2, channel_ids: [ch.sms] },
          { delay_seconds: 60, channel_ids: [ch.discord] },
        ],
      })
    ).json();
    const opened = await openIncident(policy.id);
    const { incidentId, openedAt } = opened;

    // Step 1: Slack and PagerDuty at once; Discord (the monitor's routing) is not in step 1.
    await waitFor(() => count('slack', opened) >= 1 && count('pagerduty', opened) >= 1);
    const trigger = bodyOf(fakes.pagerduty.requests.find((r) => bodyOf(r).dedup_key === `sentrypulse-${teamId}-incident-${incidentId}`)!);
    expect(trigger).toMatchObject({ event_action: 'trigger', payload: { severity: 'critical' } });
    expect(fakes.sms.requests.length).toBe(0);

    // Step 2 after its delay (2 s): SMS with the acknowledge link.
    const smsReq = await waitFor(() => fakes.sms.requests.find((r) => bodyOf(r).Body.includes('/ack/')), 15_000);
    const stepLag = smsReq.at - openedAt;
    expect(stepLag).toBeGreaterThanOrEqual(1900);
    const sms = bodyOf(smsReq).Body as string;
    expect(sms).toMatch(/^ESCALATED: api\.example\.com - unacknowledged for \ds Ack: http:\/\/localhost:3000\/ack\/[A-Za-z0-9_-]{55}$/);
    expect(sms.length).toBeLessThanOrEqual(160);
    const token = sms.split('/ack/')[1]!;

    // The link: preview, then acknowledge without logging in.
    const preview = await t.app.inject({ method: 'GET', url: `/api/public/ack/${token}` });
    expect(preview.json()).toMatchObject({ incident: { id: incidentId, title: 'API is down' }, used: false, acknowledged_at: null });
    const acked = await t.app.inject({ method: 'POST', url: `/api/public/ack/${token}`, payload: { incident_id: incidentId } });
    expect(acked.statusCode).toBe(200);
    expect(acked.json()).toMatchObject({ incident_id: incidentId, acknowledged_via: 'SMS: sms on-call (link)' });
    const incident = (await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/incidents/${incidentId}`, headers: bearer(member) })).json();
    expect(incident.acknowledged_at).not.toBeNull();

    // Forwarded to PagerDuty (acknowledge, same dedup_key) and Slack; not to the SMS phone.
    await waitFor(() => fakes.pagerduty.requests.some((r) => bodyOf(r).event_action === 'acknowledge' && bodyOf(r).dedup_key === trigger.dedup_key));
    await waitFor(() => texts('slack').some((x) => x.includes('ACKNOWLEDGED') && x.includes('SMS: sms on-call (link)')));

    // No step 3 (Discord) after its time has passed; the escalation says why it stopped.
    await new Promise((r) => setTimeout(r, Math.max(0, openedAt + 4_500 - Date.now())));
    expect(fakes.discord.requests.length).toBe(0);
    const state = (await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/incidents/${incidentId}/escalation`, headers: bearer(member) })).json();
    expect(state).toMatchObject({ stopped_reason: 'acknowledged', last_step: 1 });

    // Recovery: the resolution goes to Slack, PagerDuty (resolve) and SMS — and not to Discord.
    const smsBefore = fakes.sms.requests.length;
    const resolved = await post(`/api/teams/${teamId}/incidents/${incidentId}/updates`, { status: 'resolved', message: 'Recovered' });
    expect(resolved.statusCode).toBeLessThan(300);
    await waitFor(() => fakes.pagerduty.requests.some((r) => bodyOf(r).event_action === 'resolve' && bodyOf(r).dedup_key === trigger.dedup_key));
    await waitFor(() => fakes.sms.requests.length === smsBefore + 1 && texts('slack').some((x) => x.includes('RESOLVED') || x.includes('UP:')));
    const rows = await t.db.selectFrom('alerts_sent').select(['channel_id', 'event_type', 'status']).where('incident_id', '=', incidentId).where('event_type', '=', 'incident.resolved').execute();
    expect(rows.map((r) => r.channel_id).sort((a, b) => a - b)).toEqual([ch.slack, ch.pagerduty, ch.sms].sort((a, b) => a - b));
    expect(fakes.discord.requests.length).toBe(0);
    // One dedup_key for every PagerDuty event of this incident.
    const pd = fakes.pagerduty.requests.map(bodyOf).filter((b) => String(b.dedup_key).endsWith(`-incident-${incidentId}`));
    expect(pd.map((b) => b.event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);

    // The link is single use, and now the incident is resolved anyway.
    const again = await t.app.inject({ method: 'POST', url: `/api/public/ack/${token}`, payload: {} });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toMatch(/already used/);
  });

  it('from real checks: target down → Slack + PagerDuty → step 2 SMS → ack from the link → target up → resolve to exactly the notified channels', async () => {
    const policy = (await post(`/api/teams/${teamId}/escalation-policies`, { name: 'Real', steps: [{ delay_seconds: 2, channel_ids: [ch.slack, ch.pagerduty] }, { delay_seconds: 60, channel_ids: [ch.sms] }] })).json();
    target.healthy = false;
    const m = await post(`/api/teams/${teamId}/monitors`, { name: 'Real target', type: 'http', url: target.url, interval_seconds: 3600, confirmations: 1, recovery_confirmations: 1, channel_ids: [ch.discord], escalation_policy_id: policy.id });
    expect(m.statusCode).toBe(201);
    const monitorId = m.json().id as number;
    await post(`/api/teams/${teamId}/monitors/${monitorId}/check-now`, {});
    const inc = await waitFor(() => t.db.selectFrom('incidents').select(['id', 'started_at']).where('monitor_id', '=', monitorId).executeTakeFirst(), 20_000);
    const key = `sentrypulse-${teamId}-incident-${inc.id}`;
    await waitFor(() => count('slack', { incidentId: inc.id, monitorId }) >= 1 && fakes.pagerduty.requests.some((r) => bodyOf(r).dedup_key === key && bodyOf(r).event_action === 'trigger'));
    const smsBefore = fakes.sms.requests.length;
    const smsReq = await waitFor(() => fakes.sms.requests.slice(smsBefore).find((r) => bodyOf(r).Body.startsWith('ESCALATED: 127.0.0.1')), 15_000);
    const token = (bodyOf(smsReq).Body as string).split('/ack/')[1]!;
    expect((await t.app.inject({ method: 'POST', url: `/api/public/ack/${token}`, payload: { incident_id: inc.id } })).statusCode).toBe(200);
    await waitFor(() => fakes.pagerduty.requests.some((r) => bodyOf(r).dedup_key === key && bodyOf(r).event_action === 'acknowledge'));

    target.healthy = true;
    await post(`/api/teams/${teamId}/monitors/${monitorId}/check-now`, {});
    await waitFor(() => fakes.pagerduty.requests.some((r) => bodyOf(r).dedup_key === key && bodyOf(r).event_action === 'resolve'), 20_000);
    await waitFor(async () => (await t.db.selectFrom('alerts_sent').select('id').where('incident_id', '=', inc.id).where('event_type', '=', 'incident.resolved').where('status', '=', 'sent').execute()).length === 3);
    const resolved = await t.db.selectFrom('alerts_sent').select('channel_id').where('incident_id', '=', inc.id).where('event_type', '=', 'incident.resolved').execute();
    expect(resolved.map((r) => r.channel_id).sort((a, b) => a - b)).toEqual([ch.slack, ch.pagerduty, ch.sms].sort((a, b) => a - b));
    expect(fakes.pagerduty.requests.map(bodyOf).filter((b) => b.dedup_key === key).map((b) => b.event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);
    expect(fakes.discord.requests.filter((r) => JSON.stringify(bodyOf(r)).includes(`/monitors/${monitorId}"`))).toHaveLength(0);
    await t.app.inject({ method: 'PATCH', url: `/api/teams/${teamId}/monitors/${monitorId}`, headers: bearer(admin), payload: { enabled: false } });
  });

  it('acknowledging in the dashboard before the delay stops step 2', async () => {
    const policy = (await post(`/api/teams/${teamId}/escalation-policies`, { name: 'Stop', steps: [{ delay_seconds: 2, channel_ids: [ch.slack] }, { delay_seconds: 60, channel_ids: [ch.sms] }] })).json();
    const opened = await openIncident(policy.id);
    const { incidentId, openedAt } = opened;
    await waitFor(() => count('slack', opened) >= 1);
    const smsBefore = fakes.sms.requests.length;
    expect((await post(`/api/teams/${teamId}/incidents/${incidentId}/acknowledge`, {}, member)).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, Math.max(0, openedAt + 3_500 - Date.now())));
    expect(fakes.sms.requests.length).toBe(smsBefore);
    const state = (await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/incidents/${incidentId}/escalation`, headers: bearer(member) })).json();
    expect(state.stopped_reason).toBe('acknowledged');
    expect(await t.db.selectFrom('alerts_sent').select('id').where('incident_id', '=', incidentId).where('event_type', '=', 'incident.escalated').execute()).toEqual([]);
  });

  it('sends "still down" reminders to the notified channels until acknowledged', async () => {
    // Reminders under a minute are refused by the API; the test policy is written directly.
    const res = await t.db.insertInto('escalation_policies').values({ team_id: teamId, name: 'Remind', steps: JSON.stringify([{ delay_seconds: 3600, channel_ids: [ch.slack] }]), remind_every_seconds: 1 }).executeTakeFirstOrThrow();
    const { incidentId } = await openIncident(Number(res.insertId));
    await waitFor(() => texts('slack').filter((x) => x.includes('STILL DOWN') && x.includes(`/monitors/`)).length >= 2, 15_000);
    expect((await post(`/api/teams/${teamId}/incidents/${incidentId}/acknowledge`, {}, member)).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    const n = (await t.db.selectFrom('alerts_sent').select('id').where('incident_id', '=', incidentId).where('event_type', '=', 'incident.reminder').execute()).length;
    await new Promise((r) => setTimeout(r, 2_200));
    const after = (await t.db.selectFrom('alerts_sent').select('id').where('incident_id', '=', incidentId).where('event_type', '=', 'incident.reminder').execute()).length;
    expect(after).toBe(n);
  });

  it('a monitor without a policy (and no team default) keeps its channels, at once', async () => {
    const { incidentId } = await openIncident(null);
    await waitFor(() => fakes.discord.requests.some((r) => JSON.stringify(bodyOf(r)).includes('DOWN')));
    expect(await t.db.selectFrom('incident_escalations').select('incident_id').where('incident_id', '=', incidentId).execute()).toEqual([]);
  });
});

describe('acknowledge link refusals: a clear 4xx, nothing changed', () => {
  it('refuses a forged, expired, malformed link and one for another incident', async () => {
    const inc = await t.db.insertInto('incidents').values({ team_id: teamId, kind: 'manual', title: 'Manual', severity: 'major', started_at: new Date() }).executeTakeFirstOrThrow();
    const incidentId = Number(inc.insertId);
    const key = Buffer.from(KEY, 'hex');
    const claims = { teamId, incidentId, channelId: ch.slack, expiresAt: Math.floor(Date.now() / 1000) + 3600, nonce: '0123456789abcdef' };
    const good = signAckToken(key, claims);
    const forged = signAckToken(Buffer.from('00'.repeat(32), 'hex'), claims);
    const expired = signAckToken(key, { ...claims, expiresAt: Math.floor(Date.now() / 1000) - 5 });
    const before = await databaseFingerprint(t.db);
    const tries: Array<[string, unknown, number, RegExp]> = [
      [forged, {}, 403, /not valid/],
      [expired, {}, 410, /expired/],
      ['not-a-token', {}, 400, /not an acknowledge link/],
      [good, { incident_id: incidentId + 1000 }, 403, /another incident/],
    ];
    for (const [token, body, status, detail] of tries) {
      const res = await t.app.inject({ method: 'POST', url: `/api/public/ack/${token}`, payload: body as object });
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().detail).toMatch(detail);
    }
    expect(await databaseFingerprint(t.db)).toEqual(before);
    const ok = await t.app.inject({ method: 'POST', url: `/api/public/ack/${good}`, payload: {} });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().acknowledged_via).toBe('Slack: slack on-call (link)');
  });
});
