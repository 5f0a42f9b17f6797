import type { NoticeContent } from '@sentrypulse/db';
import { describe, expect, it } from 'vitest';
import { confirmEmail, noticeDiscord, noticeEmail, noticeHeadline, noticeSlack, noticeWebhook } from './messages';
import { echoesChallenge } from './senders';

const X = '<script>alert("x")</script>';
const brand = { slug: 'acme', title: `Acme ${X}`, logo_url: 'javascript:alert(1)', accent_color: 'red;}' };
const links = { pageUrl: 'http://localhost:3000/status/acme', manageUrl: 'http://localhost:3000/status/acme/manage?token=1.a', unsubscribeUrl: 'http://localhost:3000/status/acme/unsubscribe?token=1.a' };
const content: NoticeContent = {
  page: brand,
  title: `API ${X}`,
  status: 'identified',
  message: `Line one\n\n**bold** @everyone ${X}`,
  components: ['API'],
  incident_id: 4,
  maintenance_id: null,
  starts_at: null,
  ends_at: null,
  occurred_at: '2026-12-07T10:00:00.000Z',
};

describe('subscriber messages', () => {
  it('emails escape every team text, keep only an https logo and a hex accent, and carry the manage and unsubscribe links', () => {
    const m = noticeEmail('incident.updated', content, brand, links);
    expect(m.subject).toBe(`[Acme ${X}] API ${X} — Identified`);
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('&lt;script&gt;');
    expect(m.html).not.toContain('javascript:');
    expect(m.html).not.toContain('red;}');
    expect(m.html).toContain(links.manageUrl.replace(/&/g, '&amp;'));
    expect(m.text).toContain(`Unsubscribe: ${links.unsubscribeUrl}`);
    const c = confirmEmail(brand, { ...links, confirmUrl: 'http://localhost:3000/status/acme/confirm?token=c1.b' }, 48);
    expect(c.text).toContain('Confirm within 48 hours: http://localhost:3000/status/acme/confirm?token=c1.b');
    expect(c.html).not.toContain('<script>');
  });

  it('headlines per kind, one line', () => {
    expect(noticeHeadline('incident.resolved', { ...content, title: 'a\nb' })).toBe('Resolved: a b');
    expect(noticeHeadline('maintenance.started', { ...content, title: 'DB' })).toBe('Maintenance in progress: DB');
  });

  it('Slack escapes & < >; Discord escapes Markdown and never pings', () => {
    const slack = noticeSlack('incident.opened', content, links);
    expect(slack.text).not.toContain('<script>');
    expect(JSON.stringify(slack.blocks)).toContain('&lt;script&gt;');
    const discord = noticeDiscord('incident.opened', content, brand, links);
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    expect(discord.embeds[0]!.description).toContain('\\*\\*bold\\*\\*');
  });

  it('webhook bodies carry the public incident, and the challenge echo is read strictly', () => {
    const w = noticeWebhook('incident.opened', content, links, new Date('2026-12-07T10:00:01Z'));
    expect(w).toMatchObject({ type: 'incident.opened', data: { page: { slug: 'acme' }, incident: { id: 4, title: `API ${X}`, status: 'identified' } } });
    expect(echoesChallenge('{"challenge":"abc"}', 'abc')).toBe(true);
    expect(echoesChallenge(' abc ', 'abc')).toBe(true);
    expect(echoesChallenge('{"challenge":"abd"}', 'abc')).toBe(false);
    expect(echoesChallenge('ok', 'abc')).toBe(false);
  });
});
