import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAlertContent, type AlertInput } from './message';
import { emailProvider, messageIdFor } from './providers/email';
import { telegramProvider } from './providers/telegram';
import type { ChannelForDelivery, ProviderSettings } from './providers/types';
import { webhookProvider } from './providers/webhook';
import { whatsappProvider } from './providers/whatsapp';
import { newWebhookSecret } from '../../test/notify-support';
import { startSmtp, startWebhookReceiver, type WebhookReceiver } from './testing';

/** Provider modules on their own, against real local peers: the edges the dispatcher relies on. */
const secret = newWebhookSecret();
const TOKEN = '123456789:AAEhBOweik6ad6PsVMRxjeQKUl9b9b9b9b9';
let hook: WebhookReceiver;
let closedPort: number;

const input: AlertInput = {
  eventType: 'test',
  teamId: 1,
  channelName: 'x',
  occurredAt: new Date(),
  incident: null,
  monitor: null,
  statusCode: null,
  responseTimeMs: null,
  update: null,
};
const content = buildAlertContent(input, 'http://localhost:3000');

function settings(over: Partial<ProviderSettings> = {}): ProviderSettings {
  return { smtpUrl: undefined, mailFrom: 'a@b.c', telegramApiBase: 'http://127.0.0.1:1', whatsappApiBase: 'http://127.0.0.1:1', allowPrivate: true, timeoutMs: 15_000, ...over };
}
function channel(type: ChannelForDelivery['type'], config: Record<string, unknown>, secrets: Record<string, string>): ChannelForDelivery {
  return { id: 1, teamId: 1, type, name: 'x', config, secrets };
}

beforeAll(async () => {
  hook = await startWebhookReceiver(() => secret);
  // a port that refuses connections: listen, note the port, close
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  closedPort = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
});
afterAll(async () => {
  await hook.close();
});

describe('webhook provider', () => {
  it('refuses a private address when OUTBOUND_ALLOW_PRIVATE=false, as a permanent failure, without connecting', async () => {
    const out = await webhookProvider(settings({ allowPrivate: false })).send({ channel: channel('webhook', { url: `${hook.url}/x` }, { secret }), content, idempotencyKey: 'msg_a' });
    expect(out).toMatchObject({ kind: 'permanent', statusCode: null });
    expect(out.kind !== 'delivered' && out.error).toMatch(/^blocked: 127\.0\.0\.1 is a loopback address/);
    expect(hook.requests).toHaveLength(0);
  });

  it('refuses the cloud metadata address even with OUTBOUND_ALLOW_PRIVATE=true', async () => {
    const out = await webhookProvider(settings({ allowPrivate: true, timeoutMs: 2000 })).send({ channel: channel('webhook', { url: 'http://169.254.169.254/latest' }, { secret }), content, idempotencyKey: 'msg_b' });
    expect(out).toMatchObject({ kind: 'permanent' });
    expect(out.kind !== 'delivered' && out.error).toMatch(/metadata/);
  });

  it('gives up on a receiver that does not answer within the budget, as retryable', async () => {
    hook.onRequest = () => new Promise((r) => setTimeout(r, 1500));
    const t0 = Date.now();
    const out = await webhookProvider(settings({ timeoutMs: 300 })).send({ channel: channel('webhook', { url: `${hook.url}/slow` }, { secret }), content, idempotencyKey: 'msg_c' });
    hook.onRequest = undefined;
    expect(out).toMatchObject({ kind: 'retryable', error: 'timeout after 300 ms (ETIMEDOUT)' });
    expect(Date.now() - t0).toBeLessThan(1400);
  });

  it('reads Retry-After as an HTTP date on 502 and ignores it on 500', async () => {
    const at = new Date(Date.now() + 5000).toUTCString();
    hook.script.push({ status: 502, headers: { 'retry-after': at } }, { status: 500, headers: { 'retry-after': '7' } });
    const p = webhookProvider(settings());
    const a = await p.send({ channel: channel('webhook', { url: `${hook.url}/r` }, { secret }), content, idempotencyKey: 'msg_d' });
    const b = await p.send({ channel: channel('webhook', { url: `${hook.url}/r` }, { secret }), content, idempotencyKey: 'msg_d' });
    expect(a.kind === 'retryable' && a.retryAfterMs).toBeGreaterThan(3000);
    expect(b).toEqual({ kind: 'retryable', statusCode: 500, error: 'the endpoint answered 500' });
  });

  it('names the redirect target but does not follow it', async () => {
    hook.requests.length = 0;
    hook.script.push({ status: 308, headers: { location: `${hook.url}/new` } });
    const out = await webhookProvider(settings()).send({ channel: channel('webhook', { url: `${hook.url}/old` }, { secret }), content, idempotencyKey: 'msg_e' });
    expect(out).toMatchObject({ kind: 'retryable', statusCode: 308 });
    expect(out.kind !== 'delivered' && out.error).toContain(`redirected (308 to ${hook.url}/new)`);
    expect(hook.requests.map((r) => r.path)).toEqual(['/old']);
  });
});

describe('other providers', () => {
  it('Telegram: a refused connection is retryable and the stored error never contains the token', async () => {
    const out = await telegramProvider(settings({ telegramApiBase: `http://127.0.0.1:${closedPort}` })).send({ channel: channel('telegram', { chat_id: 1 }, { bot_token: TOKEN }), content, idempotencyKey: 'k' });
    expect(out.kind).toBe('retryable');
    expect(JSON.stringify(out)).not.toContain(TOKEN.split(':')[1]);
  });

  it('WhatsApp: a refused connection is retryable and never echoes the access token', async () => {
    const out = await whatsappProvider(settings({ whatsappApiBase: `http://127.0.0.1:${closedPort}` })).send({
      channel: channel('whatsapp', { phone_number_id: '1', to: '15551234567' }, { access_token: 'EAAG-secret-token-value-123' }),
      content,
      idempotencyKey: 'k',
    });
    expect(out.kind).toBe('retryable');
    expect(JSON.stringify(out)).not.toContain('EAAG-secret');
  });

  it('email: no SMTP_URL is a permanent "not configured"; an unreachable server is retryable without the password', async () => {
    const none = await emailProvider(settings()).send({ channel: channel('email', { to: ['a@example.com'] }, {}), content, idempotencyKey: 'k' });
    expect(none).toEqual({ kind: 'permanent', statusCode: null, error: 'email is not configured on this server (SMTP_URL is unset)' });
    const p = emailProvider(settings({ smtpUrl: `smtp://user:s3cretpass@127.0.0.1:${closedPort}` }));
    const down = await p.send({ channel: channel('email', { to: ['a@example.com'] }, {}), content, idempotencyKey: 'k' });
    await p.close?.();
    expect(down.kind).toBe('retryable');
    expect(JSON.stringify(down)).not.toContain('s3cretpass');
  });

  it('email: Message-ID on the MAIL_FROM domain, and the test message links to the channels page and its delivery log', async () => {
    expect(messageIdFor('msg_2Xb', 'SentryPulse <alerts@Mail.Acme.test>')).toBe('<msg_2Xb@mail.acme.test>');
    expect(messageIdFor('msg_2Xb', 'ops@status.example.org')).toBe('<msg_2Xb@status.example.org>');
    expect(messageIdFor('a b<c>', 'no address at all')).toBe('<a-b-c-@localhost>');
    const smtp = await startSmtp();
    const p = emailProvider(settings({ smtpUrl: smtp.url, mailFrom: 'SentryPulse <alerts@mail.acme.test>' }));
    try {
      const out = await p.send({ channel: channel('email', { to: ['oncall@example.com'] }, {}), content, idempotencyKey: 'msg_42' });
      expect(out.kind).toBe('delivered');
      const mail = smtp.mails[0]!;
      expect(mail.messageId).toBe('<msg_42@mail.acme.test>');
      expect(mail.from?.value[0]?.address).toBe('alerts@mail.acme.test');
      expect(content.link).toBe('http://localhost:3000/t/1/channels');
      expect(mail.text).toContain('Open in SentryPulse: http://localhost:3000/t/1/channels');
      expect(mail.html).toContain('href="http://localhost:3000/t/1/channels"');
      expect(`${mail.text}${mail.html}`).not.toContain('/settings');
    } finally {
      await p.close?.();
      await smtp.close();
    }
  });
});
