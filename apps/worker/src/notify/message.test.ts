import { WebhookPayload } from '@sentrypulse/shared';
import { describe, expect, it } from 'vitest';
import { buildAlertContent, escapeHtml, escapeMarkdownV2, escapeMarkdownV2Url, formatDuration, targetOf, type AlertInput } from './message';
import { parseRetryAfter, safeError } from './providers/types';
import { classifyWhatsAppError } from './providers/whatsapp';
import { signWebhook } from './providers/webhook';
import { Webhook } from 'standardwebhooks';

describe('escapeMarkdownV2', () => {
  it.each([
    ['plain text', 'plain text'],
    ['_', '\\_'],
    ['*', '\\*'],
    ['[', '\\['],
    [']', '\\]'],
    ['(', '\\('],
    [')', '\\)'],
    ['~', '\\~'],
    ['`', '\\`'],
    ['>', '\\>'],
    ['#', '\\#'],
    ['+', '\\+'],
    ['-', '\\-'],
    ['=', '\\='],
    ['|', '\\|'],
    ['{', '\\{'],
    ['}', '\\}'],
    ['.', '\\.'],
    ['!', '\\!'],
    ['\\', '\\\\'],
    ['api.example.com', 'api\\.example\\.com'],
    ['_*[]()~>#+-=|{}.!', '\\_\\*\\[\\]\\(\\)\\~\\>\\#\\+\\-\\=\\|\\{\\}\\.\\!'],
    ['DOWN: a — 503', 'DOWN: a — 503'],
    ['ünïcødé 🚨', 'ünïcødé 🚨'],
  ])('escapes %j', (input, expected) => {
    expect(escapeMarkdownV2(input)).toBe(expected);
  });

  it('leaves no reserved character unescaped for any input (every reserved char is preceded by an odd run of backslashes)', () => {
    const reserved = '_*[]()~`>#+-=|{}.!\\';
    const alphabet = `${reserved}ab 1\n—`;
    for (let n = 0; n < 2000; n++) {
      let s = '';
      for (let i = 0; i < 12; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
      const out = escapeMarkdownV2(s);
      // Removing every "\x" pair must leave no reserved character behind.
      expect(out.replace(/\\[\s\S]/g, '')).not.toMatch(/[_*[\]()~`>#+\-=|{}.!\\]/);
      expect(out.replace(/\\([\s\S])/g, '$1')).toBe(s);
    }
  });

  it('escapes only ) and \\ inside link targets', () => {
    expect(escapeMarkdownV2Url('https://x.test/a_(b)\\c.d')).toBe('https://x.test/a_(b\\)\\\\c.d');
  });
});

const base: AlertInput = {
  eventType: 'incident.opened',
  teamId: 7,
  channelName: 'ops',
  occurredAt: new Date('2026-11-29T05:00:00Z'),
  incident: { id: 42, title: 'API is down', status: 'investigating', severity: 'critical', cause: 'down', started_at: new Date('2026-11-29T04:58:00Z'), resolved_at: null },
  monitor: { id: 9, name: 'API _*[]()~>#+-=|{}.! <b>', type: 'http', url: 'https://api.example.com/health', host: null, port: null, status: 'down', last_error: 'HTTP 503', cert_expires_at: null, degraded_threshold_ms: null },
  statusCode: 503,
  responseTimeMs: null,
  update: null,
};

/** A performance incident (alert_on_degraded): the target answers, slowly. */
const slow: AlertInput = {
  ...base,
  incident: { ...base.incident!, title: 'API is slow: 2,340 ms (threshold 1,000 ms)', severity: 'minor', cause: 'degraded' },
  monitor: { ...base.monitor!, status: 'degraded', last_error: 'response time 2340 ms exceeds 1000 ms', degraded_threshold_ms: 1000 },
  statusCode: null,
  responseTimeMs: 2340,
};

describe('buildAlertContent', () => {
  it('gives a lock-screen subject per event type', () => {
    const subject = (over: Partial<AlertInput>) => buildAlertContent({ ...base, ...over }, 'https://app.test').subject;
    expect(subject({})).toBe('DOWN: api.example.com — 503');
    expect(subject({ statusCode: null, monitor: { ...base.monitor!, last_error: 'connect ECONNREFUSED' } })).toBe('DOWN: api.example.com — connect ECONNREFUSED');
    expect(subject({ eventType: 'incident.resolved', incident: { ...base.incident!, status: 'resolved', resolved_at: new Date('2026-11-29T05:03:30Z') } })).toBe('UP: api.example.com — down for 5m');
    expect(subject({ eventType: 'incident.updated', update: { status: 'identified', message: 'DB failover' } })).toBe('UPDATE: API is down — identified');
    expect(subject({ eventType: 'certificate.expiring', monitor: { ...base.monitor!, cert_expires_at: new Date('2026-12-09T06:00:00Z') } })).toBe('CERT EXPIRING: api.example.com — in 10 days');
    expect(subject({ eventType: 'test', incident: null, monitor: null, statusCode: null })).toBe('TEST: SentryPulse channel "ops" works');
    expect(subject({ monitor: null, statusCode: null })).toBe('INCIDENT: API is down');
    expect(subject({ monitor: { ...base.monitor!, type: 'tcp', url: null, host: 'db.internal', port: 5432 }, statusCode: null, })).toBe('DOWN: db.internal:5432 — HTTP 503');
  });

  it('says SLOW (measured time and threshold) for a performance incident and FAST AGAIN when it resolves', () => {
    const opened = buildAlertContent(slow, 'https://app.test');
    expect(opened.subject).toBe('SLOW: api.example.com — 2,340 ms (threshold 1,000 ms)');
    expect(opened.text).toContain('Response time: 2,340 ms');
    expect(opened.text).toContain('Threshold: 1,000 ms');
    expect(opened.text).toContain('not counted as downtime');
    expect(opened.text).not.toContain('DOWN');
    expect(opened.markdownV2.split('\n')[0]).toBe('*SLOW: api\\.example\\.com — 2,340 ms \\(threshold 1,000 ms\\)*');
    expect(opened.webhook.data.incident).toMatchObject({ cause: 'degraded', severity: 'minor' });
    expect(WebhookPayload.parse(opened.webhook)).toEqual(opened.webhook);
    const resolved = buildAlertContent({ ...slow, eventType: 'incident.resolved', incident: { ...slow.incident!, status: 'resolved', resolved_at: new Date('2026-11-29T05:10:00Z') } }, 'https://app.test');
    expect(resolved.subject).toBe('FAST AGAIN: api.example.com — slow for 12m');
    // escalated: the incident is an outage now, the update names it
    const escalated = buildAlertContent(
      { ...base, eventType: 'incident.updated', update: { status: 'investigating', message: 'Escalated to an outage: expected status 200-299, got 503.' } },
      'https://app.test',
    );
    expect(escalated.subject).toBe('UPDATE: API is down — investigating');
    expect(escalated.text).toContain('Update: Escalated to an outage');
    // without a measured time or threshold the headline still reads
    expect(buildAlertContent({ ...slow, responseTimeMs: null, monitor: { ...slow.monitor!, degraded_threshold_ms: null } }, 'https://app.test').subject).toBe('SLOW: api.example.com');
  });

  it('links back to the dashboard under PUBLIC_URL and escapes HTML and MarkdownV2', () => {
    const c = buildAlertContent(base, 'https://app.test');
    expect(c.link).toBe('https://app.test/t/7/monitors/9');
    expect(c.text).toContain('Open in SentryPulse: https://app.test/t/7/monitors/9');
    expect(c.html).toContain('API _*[]()~&gt;#+-=|{}.! &lt;b&gt;');
    expect(c.html).not.toContain('<b>');
    expect(c.html).toContain('href="https://app.test/t/7/monitors/9"');
    expect(c.markdownV2).toContain('Monitor: API \\_\\*\\[\\]\\(\\)\\~\\>\\#\\+\\-\\=\\|\\{\\}\\.\\! <b\\>');
    expect(c.markdownV2.split('\n')[0]).toBe('*DOWN: api\\.example\\.com — 503*');
    expect(c.markdownV2).toContain('[Open in SentryPulse](https://app.test/t/7/monitors/9)');
    expect(c.templateParams[0]).toBe('DOWN: api.example.com — 503');
    expect(c.templateParams[1]).not.toMatch(/\n/);
  });

  it('builds the SPEC 7 webhook body', () => {
    const c = buildAlertContent(base, 'https://app.test');
    expect(WebhookPayload.parse(c.webhook)).toEqual(c.webhook);
    expect(c.webhook).toMatchObject({
      type: 'incident.opened',
      timestamp: '2026-11-29T05:00:00.000Z',
      data: { incident: { id: 42, status: 'investigating', cause: 'down', url: 'https://app.test/t/7/incidents/42' }, monitor: { id: 9, status_code: 503, target: 'https://api.example.com/health' } },
    });
  });

  it('formats durations and targets', () => {
    expect(formatDuration(4_000)).toBe('4s');
    expect(formatDuration(61_000)).toBe('1m');
    expect(formatDuration(3_600_000 * 2 + 60_000 * 5)).toBe('2h 5m');
    expect(formatDuration(3_600_000 * 50)).toBe('2d 2h');
    expect(targetOf({ ...base.monitor!, url: 'not a url' })).toBe('not a url');
    expect(escapeHtml(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
  });
});

describe('provider rules', () => {
  it('signs the way the standardwebhooks package verifies', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const ts = Math.floor(Date.now() / 1000);
    const body = '{"type":"test"}';
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': signWebhook(secret, 'msg_1', ts, body) };
    expect(new Webhook(secret).verify(body, headers)).toEqual({ type: 'test' });
    expect(() => new Webhook(secret).verify('{"type":"tampered"}', headers)).toThrow();
  });

  it.each([
    ['5', 5000],
    ['0', 0],
    ['99999', 3_600_000],
    ['soon', null],
    [undefined, null],
  ])('reads Retry-After %j', (value, expected) => {
    expect(parseRetryAfter(value)).toBe(expected);
  });

  it('reads Retry-After as an HTTP date', () => {
    const now = Date.parse('2026-11-29T05:00:00Z');
    expect(parseRetryAfter('Sun, 29 Nov 2026 05:00:30 GMT', now)).toBe(30_000);
  });

  it.each([
    [400, 131047, 'permanent'],
    [401, 190, 'permanent'],
    [400, 100, 'permanent'],
    [400, 132001, 'permanent'],
    [429, 130429, 'retryable'],
    [400, 131056, 'retryable'],
    [500, 131000, 'retryable'],
    [503, 133004, 'retryable'],
    [502, undefined, 'retryable'],
    [404, undefined, 'permanent'],
  ] as const)('maps WhatsApp HTTP %i code %s to %s', (status, code, kind) => {
    expect(classifyWhatsAppError(status, code)).toBe(kind);
  });

  it('scrubs secrets from stored errors', () => {
    expect(safeError(new Error('request to https://x/bot123:SECRET/sendMessage failed'), ['123:SECRET'])).toBe('request to https://x/bot***/sendMessage failed');
  });
});
