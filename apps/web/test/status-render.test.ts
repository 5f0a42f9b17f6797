import type { PublicStatusPage } from '@sentrypulse/shared';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
// The status page renderer is pure (template strings); its inputs come from the api's real markdown renderer.
import { dayLabel, esc, renderHistoryPage, renderStatusPage } from '../app/status/_lib/render';
import { assertNoInjectedMarkup, renderSafeMarkdown } from '@sentrypulse/api/testing';

const X = 'xss-marker';
const evil = (s: string) => `${s} <script>alert("${X}")</script><img src=x onerror="alert('${X}')">"'`;

function page(): PublicStatusPage {
  return {
    slug: 'acme',
    title: evil('Acme'),
    description: evil('desc'),
    logo_url: `https://cdn.example.com/logo.png?a="><script>alert('${X}')</script>`,
    accent_color: '#123456',
    status: 'degraded',
    components: [
      { id: 1, name: evil('API'), group: evil('Core'), status: 'degraded', uptime_90d: 99.5, days: [{ date: '2026-11-29', uptime: 99.5, downtime_seconds: 432 }] },
      { id: 2, name: 'Web', group: null, status: 'unknown', uptime_90d: null, days: [{ date: '2026-11-29', uptime: null, downtime_seconds: null }] },
    ],
    active_incidents: [
      {
        id: 7,
        title: evil('Incident'),
        status: 'identified',
        severity: 'minor',
        components: [evil('API')],
        started_at: '2026-11-29T10:00:00.000Z',
        resolved_at: null,
        updates: [{ status: 'identified', message: 'x', message_html: renderSafeMarkdown(`${evil('m')} [a](javascript:alert('${X}'))`), created_at: '2026-11-29T10:05:00.000Z' }],
      },
    ],
    past_incidents: [],
    past_incidents_next_cursor: null,
    maintenances: [
      { id: 3, title: evil('Maint'), description_html: renderSafeMarkdown(evil('d')), status: 'scheduled', components: [evil('API')], starts_at: '2026-11-30T10:00:00.000Z', ends_at: '2026-11-30T11:00:00.000Z' },
    ],
    show_incident_history: true,
    generated_at: '2026-11-29T10:06:00.000Z',
  };
}

describe('renderStatusPage', () => {
  it('escapes every text a team wrote, in elements and attributes', () => {
    const { html } = renderStatusPage(page());
    assertNoInjectedMarkup(html, X);
    expect(html).toContain('<h1><a href="/status/acme">Acme &lt;script&gt;alert(&quot;xss-marker&quot;)&lt;/script&gt;');
    expect(html).toContain('src="https://cdn.example.com/logo.png?a=&quot;&gt;&lt;script&gt;');
    // Exactly one script element: ours.
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it('pins its inline style and script in the CSP by hash, and allows nothing else', () => {
    const { html, csp } = renderStatusPage(page());
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe');
    expect(html).not.toMatch(/\sstyle="/);
  });

  it('draws one labelled cell per day and groups components', () => {
    const { html } = renderStatusPage(page());
    expect(html).toContain('<i data-t="m" role="img" tabindex="0" aria-label="Nov 29, 2026: 99.50% uptime, 7 min down"></i>');
    expect(html).toContain('<i data-t="n" role="img" tabindex="0" aria-label="Nov 29, 2026: no data"></i>');
    expect(html).toContain('<h3>Core &lt;script&gt;');
    expect(html).toContain('class="banner t-degraded"');
  });

  it('falls back to the default accent for anything but #rrggbb', () => {
    const p = { ...page(), accent_color: 'red;}body{display:none' };
    expect(renderStatusPage(p).html).toContain('.sp-status{--accent:#0969da}');
  });
});

describe('dayLabel and esc', () => {
  it.each([
    [{ date: '2026-01-05', uptime: 100, downtime_seconds: 0 }, 'Jan 5, 2026: 100.00% uptime'],
    [{ date: '2026-01-05', uptime: 98.12, downtime_seconds: 5400 }, 'Jan 5, 2026: 98.12% uptime, 1 h 30 min down'],
    [{ date: '2026-01-05', uptime: null, downtime_seconds: null }, 'Jan 5, 2026: no data'],
  ])('labels %j as %s', (day, label) => {
    expect(dayLabel(day)).toBe(label);
  });

  it('escapes the five HTML specials', () => {
    expect(esc(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('renderHistoryPage', () => {
  it('links older pages with the cursor and back to the newest', () => {
    const { html } = renderHistoryPage(page(), { items: page().active_incidents, next_cursor: '41' }, '50');
    expect(html).toContain('<a href="/status/acme/history?cursor=41">Older incidents</a>');
    expect(html).toContain('<a href="/status/acme/history">Newest incidents</a>');
    assertNoInjectedMarkup(html, X);
  });
});
