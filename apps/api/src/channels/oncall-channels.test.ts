import { decryptSecrets } from '@sentrypulse/db';
import { loadConfig } from '@sentrypulse/shared/config';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, closeWorkerContext, createWorkerContext, notifyModule, startProviderFake, type FakeServer, type OncallKind, type RunningModule, type WorkerContext } from '@sentrypulse/worker/testing';
import { bearer, createTestApp, teamWithRoles, type TestApp, type TestUser } from '../../test/helpers';
import { databaseFingerprint } from '../../test/tables';

/** The eight on-call channel types through the API: create (secrets masked), bad input, send test to real fakes. */
const KEY = 'cd'.repeat(32);
const kinds: OncallKind[] = ['slack', 'discord', 'teams', 'pagerduty', 'opsgenie', 'ntfy', 'pushover', 'sms'];
const fakes = {} as Record<OncallKind, FakeServer>;
const SID = `AC${'b2'.repeat(16)}`;

let t: TestApp;
let strict: TestApp;
let worker: { ctx: WorkerContext; mod: RunningModule };
let teamId: number;
let admin: TestUser;

function configs(): Record<OncallKind, { config: Record<string, unknown>; secret: string }> {
  return {
    slack: { config: { webhook_url: `${fakes.slack.url}/services/T01/B02/slacksecretpart` }, secret: 'slacksecretpart' },
    discord: { config: { webhook_url: `${fakes.discord.url}/api/webhooks/123/discordsecretpart` }, secret: 'discordsecretpart' },
    teams: { config: { webhook_url: `${fakes.teams.url}/workflows/abc/triggers/manual/paths/invoke?sig=teamssecretsig` }, secret: 'teamssecretsig' },
    pagerduty: { config: { routing_key: 'PdKeyPdKeyPdKeyPdKeyPdKeyPdKey99' }, secret: 'PdKeyPdKeyPdKeyPdKeyPdKey' },
    opsgenie: { config: { api_key: 'eb243592-faa2-4ba2-a551-1afdf565c889', region: 'eu' }, secret: 'eb243592-faa2-4ba2' },
    ntfy: { config: { server_url: fakes.ntfy.url, topic: 'acme-oncall', token: 'tk_ntfysecrettoken123' }, secret: 'tk_ntfysecrettoken' },
    pushover: { config: { user_key: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG', app_token: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi' }, secret: 'azGDORePK8gMaC0QOYAMy' },
    sms: { config: { account_sid: SID, auth_token: 'twiliosecrettoken0123456789abcd', from: '+15550001111', to: '+15552223333' }, secret: 'twiliosecrettoken' },
  };
}

beforeAll(async () => {
  for (const k of kinds) fakes[k] = await startProviderFake(k);
  const bases = { PAGERDUTY_API_BASE: fakes.pagerduty.url, OPSGENIE_API_BASE: fakes.opsgenie.url, PUSHOVER_API_BASE: fakes.pushover.url, TWILIO_API_BASE: fakes.sms.url };
  t = await createTestApp({ ENCRYPTION_KEY: KEY, ...bases });
  strict = await createTestApp({ ENCRYPTION_KEY: KEY, OUTBOUND_ALLOW_PRIVATE: 'false' });
  const env = { ...process.env, NODE_ENV: 'test', DATABASE_URL: t.database.url, REDIS_PREFIX: t.config.redisPrefix, ENCRYPTION_KEY: KEY, OUTBOUND_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'silent', PUBLIC_URL: 'http://localhost:3000', ...bases };
  const ctx = createWorkerContext(loadConfig(env), pino({ level: 'silent' }));
  worker = { ctx, mod: await notifyModule().start(ctx) };
  ({ teamId, admin } = await teamWithRoles(t));
});

afterAll(async () => {
  await worker?.mod.close();
  if (worker) await closeWorkerContext(worker.ctx);
  await t?.close();
  await strict?.close();
  await Promise.all(kinds.map((k) => fakes[k]?.close()));
});

function post(app: TestApp, team: number, body: unknown) {
  return app.app.inject({ method: 'POST', url: `/api/teams/${team}/channels`, headers: bearer(admin), payload: body as object });
}

async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(kinds)('%s channel', (kind) => {
  it('is created with its secrets masked in every answer and encrypted at rest; send test reaches the provider', async () => {
    const { config, secret } = configs()[kind];
    const res = await post(t, teamId, { type: kind, name: `${kind} on-call`, config });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    const list = await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/channels`, headers: bearer(admin) });
    for (const body of [res.body, list.body]) expect(body).not.toContain(secret);
    const row = await t.db.selectFrom('notification_channels').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row.config)).not.toContain(secret);
    expect(row.secret_ciphertext).not.toContain(secret);
    expect(JSON.stringify(decryptSecrets(Buffer.from(KEY, 'hex'), teamId, row.secret_ciphertext))).toContain(secret);

    const before = fakes[kind].requests.length;
    const test = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/channels/${created.id}/test`, headers: bearer(admin) });
    expect(test.statusCode).toBe(202);
    const alertId = test.json().alert_id;
    const sent = await waitFor(async () => {
      const a = await t.db.selectFrom('alerts_sent').selectAll().where('id', '=', alertId).executeTakeFirst();
      return a && a.status !== 'pending' ? a : null;
    });
    expect(sent).toMatchObject({ status: 'sent', last_error: null });
    expect(fakes[kind].requests.length).toBe(before + 1);
    expect(JSON.stringify(bodyOf(fakes[kind].requests[before]!))).toContain('TEST');
  });
});

it('masks webhook URLs as origin + last 4 characters', async () => {
  const res = await post(t, teamId, { type: 'slack', name: 'masked', config: { webhook_url: `${fakes.slack.url}/services/T01/B02/abcdWXYZ` } });
  expect(res.json().config).toEqual({ webhook_url: `${fakes.slack.url}/…WXYZ` });
});

describe('bad input: a clear 400, nothing stored', () => {
  const cases: Array<[string, 'strict' | 'lax', unknown, RegExp]> = [
    ['Slack over plain http when private is not allowed', 'strict', { type: 'slack', name: 'x', config: { webhook_url: 'http://hooks.slack.com/services/a' } }, /must use https/],
    ['Slack to a private address', 'strict', { type: 'slack', name: 'x', config: { webhook_url: 'https://10.1.2.3/services/a' } }, /private/],
    ['Discord to localhost', 'strict', { type: 'discord', name: 'x', config: { webhook_url: 'https://localhost/api/webhooks/1/a' } }, /localhost/],
    ['Teams to the metadata address even when private is allowed', 'lax', { type: 'teams', name: 'x', config: { webhook_url: 'https://169.254.169.254/x' } }, /metadata/],
    ['Slack URL with credentials', 'lax', { type: 'slack', name: 'x', config: { webhook_url: 'https://u:p@hooks.slack.com/services/a' } }, /credentials/],
    ['Slack URL that is not a URL', 'lax', { type: 'slack', name: 'x', config: { webhook_url: 'hooks.slack.com' } }, /absolute https URL/],
    ['ntfy server to a private address', 'strict', { type: 'ntfy', name: 'x', config: { server_url: 'https://192.168.1.5', topic: 'a' } }, /private/],
    ['PagerDuty routing key of the wrong shape', 'lax', { type: 'pagerduty', name: 'x', config: { routing_key: 'too-short-key' } }, /32 letters and digits/],
    ['SMS to a number that is not E.164', 'lax', { type: 'sms', name: 'x', config: { account_sid: SID, auth_token: 'twiliosecrettoken0123456789abcd', from: '+15550001111', to: '5552223333' } }, /E\.164/],
    ['Opsgenie region that does not exist', 'lax', { type: 'opsgenie', name: 'x', config: { api_key: 'eb243592-faa2-4ba2-a551-1afdf565c889', region: 'apac' } }, /'us' or 'eu'/],
    ['Pushover without the app token', 'lax', { type: 'pushover', name: 'x', config: { user_key: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG' } }, /app_token/],
  ];
  it.each(cases)('%s', async (_label, which, body, message) => {
    const app = which === 'strict' ? strict : t;
    const { teamId: team } = which === 'strict' ? await teamWithRolesCached() : { teamId };
    const before = await databaseFingerprint(app.db);
    const res = which === 'strict' ? await strict.app.inject({ method: 'POST', url: `/api/teams/${team}/channels`, headers: bearer(strictAdmin!), payload: body as object }) : await post(t, team, body);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatch(message);
    expect(await databaseFingerprint(app.db)).toEqual(before);
  });
});

let strictTeam: number | null = null;
let strictAdmin: TestUser | null = null;
async function teamWithRolesCached(): Promise<{ teamId: number }> {
  if (strictTeam === null) {
    const r = await teamWithRoles(strict);
    strictTeam = r.teamId;
    strictAdmin = r.admin;
  }
  return { teamId: strictTeam };
}
