import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, startProviderFake, type OncallKind } from '../../test/oncall-fakes';
import { buildAlertContent, type AlertInput } from './message';
import { createProviders } from './providers';
import type { ChannelForDelivery, DeliveryOutcome, ProviderSettings } from './providers/types';
import type { FakeServer, RecordedRequest } from './testing';

/**
 * The eight on-call providers against real local servers that speak each API's shape: the exact
 * request, then the classification of success, 429 with Retry-After, 5xx and 4xx, and the SSRF
 * guard refusing a private URL when OUTBOUND_ALLOW_PRIVATE=false.
 */
const kinds: OncallKind[] = ['slack', 'discord', 'teams', 'pagerduty', 'opsgenie', 'ntfy', 'pushover', 'sms'];
const fakes = {} as Record<OncallKind, FakeServer>;
const ACK = 'https://app.example.com/ack/AQAAAAEAAAAHAAAAAmXf_5sAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const ROUTING_KEY = 'R0ut1ngKeyR0ut1ngKeyR0ut1ngKey12';
const OPSGENIE_KEY = 'eb243592-faa2-4ba2-a551q-1afdf565c889';
const USER_KEY = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';
const APP_TOKEN = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
const SID = `AC${'a1'.repeat(16)}`;
const AUTH_TOKEN = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';

const incident = { id: 42, title: 'api is down', status: 'investigating', severity: 'critical', cause: 'down' as const, started_at: new Date(Date.now() - 300_000), resolved_at: null };
const monitor = {
  id: 7,
  name: 'API <prod> & *edge*',
  type: 'http',
  url: 'https://api.example.com/health',
  host: null,
  port: null,
  status: 'down',
  last_error: 'HTTP 503 from _upstream_',
  cert_expires_at: null,
  degraded_threshold_ms: null,
};
function input(eventType: AlertInput['eventType'], over: Partial<AlertInput> = {}): AlertInput {
  return { eventType, teamId: 3, channelName: 'on-call', occurredAt: new Date(), incident, monitor, statusCode: 503, responseTimeMs: null, update: null, ackUrl: ACK, ...over };
}
const opened = buildAlertContent(input('incident.opened'), 'https://app.example.com');

function settings(allowPrivate = true): ProviderSettings {
  return {
    smtpUrl: undefined,
    mailFrom: 'a@b.c',
    telegramApiBase: 'http://127.0.0.1:1',
    whatsappApiBase: 'http://127.0.0.1:1',
    pagerdutyApiBase: fakes.pagerduty.url,
    opsgenieApiBase: fakes.opsgenie.url,
    pushoverApiBase: fakes.pushover.url,
    twilioApiBase: fakes.sms.url,
    allowPrivate,
    timeoutMs: 5_000,
  };
}

function channelOf(kind: OncallKind): ChannelForDelivery {
  const base = { id: 9, teamId: 3, name: 'x', type: kind };
  const hook = { config: {}, secrets: { webhook_url: `${fakes[kind].url}/hooks/T000/B000/secretpart` } };
  const per: Record<OncallKind, Pick<ChannelForDelivery, 'config' | 'secrets'>> = {
    slack: hook,
    discord: hook,
    teams: hook,
    pagerduty: { config: {}, secrets: { routing_key: ROUTING_KEY } },
    opsgenie: { config: { region: 'eu' }, secrets: { api_key: OPSGENIE_KEY } },
    ntfy: { config: { server_url: fakes.ntfy.url, topic: 'acme-oncall' }, secrets: { token: 'tk_secretntfytoken' } },
    pushover: { config: {}, secrets: { user_key: USER_KEY, app_token: APP_TOKEN } },
    sms: { config: { account_sid: SID, from: '+15550001111', to: '+15552223333' }, secrets: { auth_token: AUTH_TOKEN } },
  };
  return { ...base, ...per[kind] };
}

const SECRET_OF: Record<OncallKind, string> = {
  slack: 'secretpart',
  discord: 'secretpart',
  teams: 'secretpart',
  pagerduty: ROUTING_KEY,
  opsgenie: OPSGENIE_KEY,
  ntfy: 'tk_secretntfytoken',
  pushover: APP_TOKEN,
  sms: AUTH_TOKEN,
};

async function send(kind: OncallKind, content = opened, allowPrivate = true): Promise<{ out: DeliveryOutcome; req: RecordedRequest | undefined }> {
  const before = fakes[kind].requests.length;
  const out = await createProviders(settings(allowPrivate))[kind].send({ channel: channelOf(kind), content, idempotencyKey: 'msg_abc' });
  return { out, req: fakes[kind].requests[before] };
}

beforeAll(async () => {
  for (const k of kinds) fakes[k] = await startProviderFake(k);
});
afterAll(async () => {
  await Promise.all(kinds.map((k) => fakes[k].close()));
});

describe('request shapes', () => {
  it('Slack: Block Kit in a red attachment, escaped mrkdwn, Acknowledge button to the signed link', async () => {
    const { out, req } = await send('slack');
    expect(out).toEqual({ kind: 'delivered', statusCode: 200, messageId: null });
    expect(req!.path).toBe('/hooks/T000/B000/secretpart');
    expect(req!.headers['content-type']).toBe('application/json; charset=utf-8');
    const b = bodyOf(req!);
    expect(b.text).toBe('DOWN: api.example.com — 503');
    expect(b.attachments[0].color).toBe('#d92d20');
    const [head, facts, actions] = b.attachments[0].blocks;
    expect(head).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*DOWN: api.example.com — 503*' } });
    expect(facts.fields[0]).toEqual({ type: 'mrkdwn', text: '*Monitor*\nAPI &lt;prod&gt; &amp; *edge*' });
    expect(actions.elements[0]).toEqual({ type: 'button', action_id: 'acknowledge', style: 'danger', text: { type: 'plain_text', text: 'Acknowledge' }, url: ACK });
    expect(actions.elements[1].url).toBe('https://app.example.com/t/3/monitors/7');
  });

  it('Discord: one embed with ?wait=true, markdown escaped, no mentions, the message id kept', async () => {
    const { out, req } = await send('discord');
    expect(out).toMatchObject({ kind: 'delivered', statusCode: 200 });
    expect(out.kind === 'delivered' && out.messageId).toMatch(/^\d+$/);
    expect(req!.path).toBe('/hooks/T000/B000/secretpart?wait=true');
    const b = bodyOf(req!);
    expect(b.allowed_mentions).toEqual({ parse: [] });
    expect(b.embeds[0]).toMatchObject({ title: 'DOWN: api.example.com — 503', url: 'https://app.example.com/t/3/monitors/7', color: 0xd92d20 });
    expect(b.embeds[0].fields[0]).toEqual({ name: 'Monitor', value: 'API <prod\\> & \\*edge\\*', inline: true });
    expect(b.embeds[0].fields.at(-1)).toEqual({ name: 'Acknowledge', value: `[Acknowledge this incident](${ACK})`, inline: false });
  });

  it('Teams: a message with an Adaptive Card 1.4, Acknowledge and Open actions (202)', async () => {
    const { out, req } = await send('teams');
    expect(out).toEqual({ kind: 'delivered', statusCode: 202, messageId: null });
    const card = bodyOf(req!).attachments[0];
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(card.content.body[0]).toMatchObject({ type: 'TextBlock', text: 'DOWN: api.example.com — 503', color: 'Attention' });
    expect(card.content.body[1].facts[0]).toEqual({ title: 'Monitor', value: 'API <prod> & *edge*' });
    expect(card.content.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Acknowledge', url: ACK },
      { type: 'Action.OpenUrl', title: 'Open in SentryPulse', url: 'https://app.example.com/t/3/monitors/7' },
    ]);
  });

  it('PagerDuty: trigger → acknowledge → resolve with one dedup_key; severity mapped', async () => {
    const t = await send('pagerduty');
    const a = await send('pagerduty', buildAlertContent(input('incident.acknowledged', { ackUrl: null }), 'https://app.example.com'));
    const r = await send('pagerduty', buildAlertContent(input('incident.resolved', { ackUrl: null, incident: { ...incident, status: 'resolved', resolved_at: new Date() } }), 'https://app.example.com'));
    for (const x of [t, a, r]) expect(x.out).toEqual({ kind: 'delivered', statusCode: 202, messageId: 'sentrypulse-3-incident-42' });
    const [tb, ab, rb] = [t, a, r].map((x) => bodyOf(x.req!)) as [Record<string, any>, Record<string, any>, Record<string, any>];
    expect(t.req!.path).toBe('/v2/enqueue');
    expect(tb).toMatchObject({ routing_key: ROUTING_KEY, event_action: 'trigger', dedup_key: 'sentrypulse-3-incident-42', client: 'SentryPulse' });
    expect(tb.payload).toMatchObject({ summary: 'DOWN: api.example.com — 503', source: 'https://api.example.com/health', severity: 'critical', component: 'API <prod> & *edge*' });
    expect(ab).toEqual({ routing_key: ROUTING_KEY, event_action: 'acknowledge', dedup_key: 'sentrypulse-3-incident-42' });
    expect(rb).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'sentrypulse-3-incident-42' });
    const major = buildAlertContent(input('incident.opened', { incident: { ...incident, severity: 'major' } }), 'https://x');
    expect(bodyOf((await send('pagerduty', major)).req!).payload.severity).toBe('error');
  });

  it('Opsgenie: create with the alias (P1), then acknowledge and close by alias, GenieKey auth', async () => {
    const c = await send('opsgenie');
    const a = await send('opsgenie', buildAlertContent(input('incident.acknowledged', { ackUrl: null }), 'https://x'));
    const r = await send('opsgenie', buildAlertContent(input('incident.resolved', { ackUrl: null }), 'https://x'));
    for (const x of [c, a, r]) expect(x.out).toMatchObject({ kind: 'delivered', statusCode: 202 });
    expect(c.req!.headers.authorization).toBe(`GenieKey ${OPSGENIE_KEY}`);
    expect(c.req!.path).toBe('/v2/alerts');
    expect(bodyOf(c.req!)).toMatchObject({ message: 'DOWN: api.example.com — 503', alias: 'sentrypulse-3-incident-42', priority: 'P1', source: 'SentryPulse' });
    expect(a.req!.path).toBe('/v2/alerts/sentrypulse-3-incident-42/acknowledge?identifierType=alias');
    expect(r.req!.path).toBe('/v2/alerts/sentrypulse-3-incident-42/close?identifierType=alias');
  });

  it('ntfy: JSON publish with topic, urgent priority and tags by severity, click opens the ack link, bearer token', async () => {
    const { out, req } = await send('ntfy');
    expect(out).toMatchObject({ kind: 'delivered', statusCode: 200 });
    expect(req!.path).toBe('/');
    expect(req!.headers.authorization).toBe('Bearer tk_secretntfytoken');
    expect(bodyOf(req!)).toMatchObject({ topic: 'acme-oncall', title: 'DOWN: api.example.com — 503', priority: 5, tags: ['rotating_light', 'critical'], click: ACK });
    const minor = buildAlertContent(input('incident.opened', { incident: { ...incident, severity: 'minor' } }), 'https://x');
    expect(bodyOf((await send('ntfy', minor)).req!)).toMatchObject({ priority: 3, tags: ['information_source', 'minor'] });
  });

  it('Pushover: emergency priority with retry/expire for critical, normal for major; the receipt kept', async () => {
    const { out, req } = await send('pushover');
    expect(out).toMatchObject({ kind: 'delivered', statusCode: 200 });
    expect(out.kind === 'delivered' && out.messageId).toMatch(/^r\d+$/);
    expect(req!.path).toBe('/1/messages.json');
    expect(bodyOf(req!)).toMatchObject({ token: APP_TOKEN, user: USER_KEY, priority: '2', retry: '60', expire: '3600', url: ACK, url_title: 'Acknowledge' });
    const major = buildAlertContent(input('incident.opened', { incident: { ...incident, severity: 'major' } }), 'https://x');
    const b = bodyOf((await send('pushover', major)).req!);
    expect(b.priority).toBe('1');
    expect(b.retry).toBeUndefined();
  });

  it('SMS: Twilio Messages form with basic auth; one 160-character GSM-7 segment ending in the ack link', async () => {
    const { out, req } = await send('sms');
    expect(out).toMatchObject({ kind: 'delivered', statusCode: 201 });
    expect(out.kind === 'delivered' && out.messageId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(req!.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(req!.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${AUTH_TOKEN}`).toString('base64')}`);
    const f = bodyOf(req!);
    expect(f).toMatchObject({ To: '+15552223333', From: '+15550001111' });
    expect(f.Body).toBe(`DOWN: api.example.com - 503 Ack: ${ACK}`);
    expect(f.Body.length).toBeLessThanOrEqual(160);
  });
});

describe.each(kinds)('%s: classification', (kind) => {
  it('429 with Retry-After is retryable and honours the wait', async () => {
    fakes[kind].script.push({ status: 429, headers: { 'retry-after': '17' }, body: { message: 'rate limited' } });
    const { out } = await send(kind);
    expect(out).toMatchObject({ kind: 'retryable', statusCode: 429, retryAfterMs: 17_000 });
  });

  it('503 and 500 are retryable', async () => {
    fakes[kind].script.push({ status: 503, body: { message: 'unavailable' } }, { status: 500, body: 'boom' });
    expect((await send(kind)).out).toMatchObject({ kind: 'retryable', statusCode: 503 });
    expect((await send(kind)).out).toMatchObject({ kind: 'retryable', statusCode: 500 });
  });

  it('a 4xx answer is permanent, with the provider words and never the secret', async () => {
    fakes[kind].script.push({ status: 400, body: { message: 'bad request from fake' } });
    const { out } = await send(kind);
    expect(out).toMatchObject({ kind: 'permanent', statusCode: 400 });
    expect(out.kind !== 'delivered' && out.error).toContain('bad request from fake');
    expect(JSON.stringify(out)).not.toContain(SECRET_OF[kind]);
  });

  it('the real fake refuses a malformed request with its own 4xx (permanent)', async () => {
    // What the fake itself says to a wrong credential shape: proves it checks what the provider checks.
    const bad: Record<OncallKind, () => Promise<DeliveryOutcome>> = {
      slack: async () => (await import('./providers/http')).sendAndClassify(settings(), { provider: 'Slack', url: `${fakes.slack.url}/x`, headers: {}, body: '{}', secrets: [] }),
      discord: async () => (await import('./providers/http')).sendAndClassify(settings(), { provider: 'Discord', url: `${fakes.discord.url}/x?wait=true`, headers: {}, body: '{"content":""}', secrets: [] }),
      teams: async () => (await import('./providers/http')).sendAndClassify(settings(), { provider: 'Teams', url: `${fakes.teams.url}/x`, headers: {}, body: '{"type":"x"}', secrets: [] }),
      pagerduty: () => createProviders(settings()).pagerduty.send({ channel: { ...channelOf('pagerduty'), secrets: { routing_key: 'short' } }, content: opened, idempotencyKey: 'k' }),
      opsgenie: () => createProviders(settings()).opsgenie.send({ channel: { ...channelOf('opsgenie'), secrets: { api_key: 'bad key' } }, content: opened, idempotencyKey: 'k' }),
      ntfy: () => createProviders(settings()).ntfy.send({ channel: { ...channelOf('ntfy'), config: { server_url: fakes.ntfy.url, topic: '' } }, content: opened, idempotencyKey: 'k' }),
      pushover: () => createProviders(settings()).pushover.send({ channel: { ...channelOf('pushover'), secrets: { user_key: 'nope', app_token: APP_TOKEN } }, content: opened, idempotencyKey: 'k' }),
      sms: () => createProviders(settings()).sms.send({ channel: { ...channelOf('sms'), config: { account_sid: SID, from: '+15550001111', to: '12' } }, content: opened, idempotencyKey: 'k' }),
    };
    const out = await bad[kind]();
    expect(out.kind).toBe('permanent');
    expect(out.statusCode).toBeGreaterThanOrEqual(400);
    expect(out.statusCode).toBeLessThan(500);
  });

  it('refuses the private address when OUTBOUND_ALLOW_PRIVATE=false, permanently, without connecting', async () => {
    const before = fakes[kind].requests.length;
    const { out } = await send(kind, opened, false);
    expect(out).toMatchObject({ kind: 'permanent', statusCode: null });
    expect(out.kind !== 'delivered' && out.error).toMatch(/^blocked: 127\.0\.0\.1 is a loopback address/);
    expect(fakes[kind].requests.length).toBe(before);
  });
});

describe('gone webhooks', () => {
  it.each(['slack', 'discord', 'teams'] as const)('%s: 404 disables the channel', async (kind) => {
    fakes[kind].script.push({ status: 404, body: 'no_service' });
    const { out } = await send(kind);
    expect(out).toMatchObject({ kind: 'permanent', statusCode: 404 });
    expect(out.kind === 'permanent' && out.disableChannel).toMatch(/no longer exists/);
  });

  it('Discord 429 without a header takes retry_after (seconds) from the body', async () => {
    fakes.discord.script.push({ status: 429, body: { message: 'You are being rate limited.', retry_after: 1.5, global: false } });
    expect((await send('discord')).out).toMatchObject({ kind: 'retryable', retryAfterMs: 1500 });
  });
});
