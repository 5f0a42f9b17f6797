import { signAckToken, verifyAckToken } from '@sentrypulse/shared/ack-link';
import { escalationTimeline, formatOffset, nextEscalationStep, stepOffsetSeconds } from '@sentrypulse/shared';
import { describe, expect, it } from 'vitest';
import {
  buildAlertContent,
  discordBody,
  escapeDiscord,
  escapeSlack,
  gsm7Length,
  INCIDENT_ACTION,
  ntfyPriority,
  pagerdutySeverity,
  pushoverPriority,
  slackBody,
  smsText,
  teamsBody,
  toGsm7,
  type AlertInput,
} from './message';

/** The message catalogue's on-call renders (SPEC 11): wording per event, escaping per format, SMS length. */
const started = new Date('2026-12-07T10:00:00Z');
const base: AlertInput = {
  eventType: 'incident.opened',
  teamId: 1,
  channelName: 'ops',
  occurredAt: new Date('2026-12-07T10:05:00Z'),
  incident: { id: 5, title: 'api down', status: 'investigating', severity: 'critical', cause: 'down', started_at: started, resolved_at: null },
  monitor: { id: 2, name: 'API', type: 'http', url: 'https://api.example.com/h', host: null, port: null, status: 'down', last_error: 'timeout', cert_expires_at: new Date('2026-12-20T00:00:00Z'), degraded_threshold_ms: 1000 },
  statusCode: 503,
  responseTimeMs: 2400,
  update: { status: 'identified', message: 'DB failover' },
  ackUrl: 'https://app.example.com/ack/x',
};
const render = (over: Partial<AlertInput>) => buildAlertContent({ ...base, ...over }, 'https://app.example.com');

describe('wording per event', () => {
  it.each([
    ['incident.opened', {}, 'DOWN: api.example.com — 503'],
    ['incident.opened (degraded)', { incident: { ...base.incident!, cause: 'degraded' as const } }, 'SLOW: api.example.com — 2,400 ms (threshold 1,000 ms)'],
    ['incident.acknowledged', { eventType: 'incident.acknowledged' as const, incident: { ...base.incident!, acknowledged_by: 'Ada' } }, 'ACKNOWLEDGED: api.example.com — by Ada'],
    ['incident.escalated', { eventType: 'incident.escalated' as const, escalation: { step: 2, round: 0 } }, 'ESCALATED: api.example.com — unacknowledged for 5m'],
    ['incident.reminder', { eventType: 'incident.reminder' as const }, 'STILL DOWN: api.example.com — for 5m'],
    ['incident.resolved', { eventType: 'incident.resolved' as const, incident: { ...base.incident!, resolved_at: new Date('2026-12-07T10:07:00Z') } }, 'UP: api.example.com — down for 7m'],
    ['incident.updated', { eventType: 'incident.updated' as const }, 'UPDATE: api down — identified'],
    ['certificate.expiring', { eventType: 'certificate.expiring' as const }, 'CERT EXPIRING: api.example.com — in 12 days'],
    ['test', { eventType: 'test' as const, incident: null, monitor: null }, 'TEST: SentryPulse channel "ops" works'],
  ])('%s', (_label, over, headline) => {
    const c = render(over);
    expect(c.headline).toBe(headline);
    expect(slackBody(c).text).toBe(escapeSlack(headline));
    expect((discordBody(c).embeds as Array<{ title: string }>)[0]!.title).toBe(headline);
    expect(JSON.stringify(teamsBody(c))).toContain(JSON.stringify(headline).slice(1, -1));
    expect(gsm7Length(smsText(c))).toBeLessThanOrEqual(160);
  });

  it('escalation messages name the step; the PagerDuty action follows the event', () => {
    const c = render({ eventType: 'incident.escalated', escalation: { step: 2, round: 1 } });
    expect(c.lines).toContainEqual(['Escalation', 'step 2 (repeat 1)']);
    expect(INCIDENT_ACTION).toMatchObject({ 'incident.opened': 'trigger', 'incident.acknowledged': 'acknowledge', 'incident.resolved': 'resolve', 'incident.reminder': 'trigger' });
  });
});

describe('escaping per format', () => {
  it('Slack mrkdwn escapes &, < and > (so <!channel> and links cannot be injected)', () => {
    expect(escapeSlack('<!channel> & <https://evil|click>')).toBe('&lt;!channel&gt; &amp; &lt;https://evil|click&gt;');
    const c = render({ monitor: { ...base.monitor!, name: '<!here> *x*' } });
    expect(JSON.stringify(slackBody(c))).not.toContain('<!here>');
  });

  it('Discord markdown gets a backslash before each formatting character; mentions are broken and not parsed', () => {
    expect(escapeDiscord('*b* _i_ ~s~ `c` |x| > # [l](u) @everyone')).toBe('\\*b\\* \\_i\\_ \\~s\\~ \\`c\\` \\|x\\| \\> \\# \\[l\\]\\(u\\) @\u200beveryone');
    expect(discordBody(render({})).allowed_mentions).toEqual({ parse: [] });
  });

  it('Teams card JSON carries any text as plain JSON strings', () => {
    const c = render({ monitor: { ...base.monitor!, name: 'a"b\\c\n</script>' } });
    const card = JSON.parse(JSON.stringify(teamsBody(c)));
    expect(card.attachments[0].content.body[1].facts[0]).toEqual({ title: 'Monitor', value: 'a"b\\c\n</script>' });
  });

  it('SMS: GSM-7 only, one 160-septet segment, the headline shortened and the link kept whole', () => {
    expect(toGsm7('DOWN: a — b… “q” 🚨')).toBe('DOWN: a - b... "q" ?');
    const long = render({ monitor: { ...base.monitor!, url: `https://${'very-long-host-name.'.repeat(8)}example.com/` } });
    const text = smsText(long);
    expect(gsm7Length(text)).toBeLessThanOrEqual(160);
    expect(text.endsWith(' Ack: https://app.example.com/ack/x')).toBe(true);
    expect(text).toContain('...');
    expect(gsm7Length('[]{}')).toBe(8);
  });
});

describe('priority by severity', () => {
  it('ntfy, Pushover and PagerDuty map critical/major/minor', () => {
    const sev = (s: string) => render({ incident: { ...base.incident!, severity: s } });
    expect(['critical', 'major', 'minor'].map((s) => ntfyPriority(sev(s)).priority)).toEqual([5, 4, 3]);
    expect(['critical', 'major', 'minor'].map((s) => pushoverPriority(sev(s)))).toEqual([2, 1, 0]);
    expect(['critical', 'major', 'minor'].map((s) => pagerdutySeverity(sev(s)))).toEqual(['critical', 'error', 'warning']);
    expect(pushoverPriority(render({ eventType: 'incident.resolved' }))).toBe(-1);
  });
});

describe('acknowledge tokens', () => {
  const key = Buffer.from('ab'.repeat(32), 'hex');
  const claims = { teamId: 3, incidentId: 77, channelId: 9, expiresAt: 2_000_000_000, nonce: 'a1b2c3d4e5f60718' };
  it('round-trip in 55 characters; a flipped character, another key or the past are refused', () => {
    const token = signAckToken(key, claims);
    expect(token).toMatch(/^[A-Za-z0-9_-]{55}$/);
    expect(verifyAckToken(key, token, 1_900_000_000)).toEqual({ ok: true, claims });
    const flipped = token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11);
    expect(verifyAckToken(key, flipped, 1_900_000_000)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyAckToken(Buffer.from('cd'.repeat(32), 'hex'), token, 1_900_000_000)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyAckToken(key, token, 2_000_000_001)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyAckToken(key, 'short', 0)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('escalation schedule', () => {
  const plan = { steps: [{ delay_seconds: 300, channel_ids: [1] }, { delay_seconds: 600, channel_ids: [2] }, { delay_seconds: 900, channel_ids: [3] }], repeat: 1 };
  it('offsets, next steps across a repeat, and the preview timeline', () => {
    expect([0, 1, 2].map((s) => stepOffsetSeconds(plan, 0, s))).toEqual([0, 300, 900]);
    expect(nextEscalationStep(plan, 0, 2)).toEqual({ round: 1, step: 0, offsetSeconds: 1800 });
    expect(nextEscalationStep(plan, 1, 2)).toBeNull();
    const names: Record<number, string> = { 1: 'Slack #ops', 2: 'PagerDuty', 3: 'SMS on-call' };
    const line = escalationTimeline({ ...plan, repeat: 0 }, (id) => names[id]!).map((e) => `${formatOffset(e.at_seconds)}: ${e.channels.join(', ')}`).join('; ');
    expect(line).toBe('0 min: Slack #ops; 5 min: PagerDuty; 15 min: SMS on-call');
  });
});
