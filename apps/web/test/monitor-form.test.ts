import { describe, expect, it } from 'vitest';
import { changedChannelIds, CreateMonitorForm, EditMonitorForm, emptyMonitorForm, monitorBodyFromForm, parseHeaders } from '../components/monitors/monitor-form-model';
import { channelConfig } from '../components/channels/channel-form';
import { componentStatus, draftOverall } from '../components/status-pages/preview';
import { addDays, filterParam, presetRange, previousRange, todayIn } from '../lib/date-range';
import { zodFieldErrors } from '../lib/forms';

function errorsOf(body: unknown) {
  const r = CreateMonitorForm.safeParse(body);
  return r.success ? {} : zodFieldErrors(r.error);
}

describe('monitor form → API body', () => {
  it('builds a valid http body with only http fields', () => {
    const f = { ...emptyMonitorForm('http'), name: 'API', url: 'https://api.example.com/health', keyword: 'ok', headers: 'Accept: application/json\nX-Team: ops' };
    const body = monitorBodyFromForm(f);
    expect(body).toMatchObject({ name: 'API', url: 'https://api.example.com/health', method: 'GET', keyword: 'ok', keyword_absent: false, interval_seconds: 60, timeout_ms: 10_000, ssl_expiry_days: 14 });
    expect(body.headers).toEqual({ Accept: 'application/json', 'X-Team': 'ops' });
    expect(body).not.toHaveProperty('host');
    expect(CreateMonitorForm.safeParse({ type: 'http', ...body }).success).toBe(true);
  });

  it('builds dns, tcp and heartbeat bodies that the shared schema accepts', () => {
    const dns = monitorBodyFromForm({ ...emptyMonitorForm('dns'), name: 'DNS', host: 'example.com', dns_record_type: 'A', dns_expected: '93.184.216.34, 93.184.216.35' });
    expect(dns.dns_expected).toEqual(['93.184.216.34', '93.184.216.35']);
    expect(CreateMonitorForm.safeParse({ type: 'dns', ...dns }).success).toBe(true);
    const tcp = monitorBodyFromForm({ ...emptyMonitorForm('tcp'), name: 'DB', host: 'db.example.com', port: '5432' });
    expect(tcp).toMatchObject({ host: 'db.example.com', port: 5432 });
    expect(CreateMonitorForm.safeParse({ type: 'tcp', ...tcp }).success).toBe(true);
    const hb = monitorBodyFromForm({ ...emptyMonitorForm('heartbeat'), name: 'Nightly backup', interval_seconds: '86400' });
    expect(hb).not.toHaveProperty('timeout_ms');
    expect(CreateMonitorForm.safeParse({ type: 'heartbeat', ...hb }).success).toBe(true);
  });

  it('reports what is wrong, per field, with the shared messages', () => {
    const http = errorsOf({ type: 'http', ...monitorBodyFromForm({ ...emptyMonitorForm('http'), url: 'ftp://x', interval_seconds: '5' }) });
    expect(http.name).toBe('must not be empty');
    expect(http.url).toBe('must be an absolute http:// or https:// URL');
    expect(http.interval_seconds).toBe('must be at least 10 seconds');
    const tcp = errorsOf({ type: 'tcp', ...monitorBodyFromForm({ ...emptyMonitorForm('tcp'), name: 'x', host: 'db.example.com', port: '' }) });
    expect(tcp.port).toBe('is required for tcp monitors');
    const notNumber = errorsOf({ type: 'tcp', ...monitorBodyFromForm({ ...emptyMonitorForm('tcp'), name: 'x', host: 'h', port: 'abc' }) });
    expect(Object.keys(notNumber)).toContain('port');
    const badHeader = errorsOf({ type: 'http', ...monitorBodyFromForm({ ...emptyMonitorForm('http'), name: 'x', url: 'https://e.com', headers: 'Host: evil' }) });
    expect(badHeader['headers.Host']).toBe('is set by the checker and cannot be overridden');
  });

  it('sends null for an emptied optional field when editing, so PATCH clears it', () => {
    const body = monitorBodyFromForm({ ...emptyMonitorForm('http'), name: 'API', url: 'https://e.com' }, true);
    expect(body.keyword).toBeNull();
    expect(body.headers).toBeNull();
    expect(EditMonitorForm('http').safeParse(body).success).toBe(true);
    const noUrl = EditMonitorForm('http').safeParse({ ...body, url: null });
    expect(noUrl.success).toBe(false);
  });

  it('sends alert_on_degraded only with a threshold; the shared schema refuses it without one', () => {
    const http = { ...emptyMonitorForm('http'), name: 'API', url: 'https://e.com' };
    const withThreshold = monitorBodyFromForm({ ...http, degraded_threshold_ms: '800', alert_on_degraded: true });
    expect(withThreshold).toMatchObject({ degraded_threshold_ms: 800, alert_on_degraded: true });
    expect(CreateMonitorForm.safeParse({ type: 'http', ...withThreshold }).success).toBe(true);
    // the box was ticked, then the threshold emptied: create leaves it out, edit turns it off
    expect(monitorBodyFromForm({ ...http, alert_on_degraded: true })).not.toHaveProperty('alert_on_degraded');
    const edit = monitorBodyFromForm({ ...http, alert_on_degraded: true }, true);
    expect(edit).toMatchObject({ degraded_threshold_ms: null, alert_on_degraded: false });
    expect(EditMonitorForm('http').safeParse(edit).success).toBe(true);
    const tcp = monitorBodyFromForm({ ...emptyMonitorForm('tcp'), name: 'DB', host: 'db.example.com', port: '5432', degraded_threshold_ms: '50', alert_on_degraded: true });
    expect(tcp).toMatchObject({ degraded_threshold_ms: 50, alert_on_degraded: true });
    expect(errorsOf({ type: 'http', ...monitorBodyFromForm(http), alert_on_degraded: true }).alert_on_degraded).toBe(
      'needs degraded_threshold_ms: set the response time above which a check counts as slow',
    );
    expect(EditMonitorForm('heartbeat').safeParse({ alert_on_degraded: true, degraded_threshold_ms: 100 }).success).toBe(false);
  });

  it('sends channel_ids only when the selection changed', () => {
    expect(changedChannelIds(null, [1])).toBeUndefined();
    expect(changedChannelIds([2, 1], [1, 2])).toBeUndefined();
    expect(changedChannelIds([3, 1], [1, 2])).toEqual([1, 3]);
    expect(changedChannelIds([], [1])).toEqual([]);
    // a new monitor: whatever is selected
    expect(changedChannelIds([5], undefined)).toEqual([5]);
  });

  it('parses header lines and keeps a malformed one for the schema to refuse', () => {
    expect(parseHeaders('')).toBeUndefined();
    expect(parseHeaders('A: 1\n\nB:2:3')).toEqual({ A: '1', B: '2:3' });
    expect(parseHeaders('no colon')).toEqual({ 'no colon': '' });
  });
});

describe('channel config from the form', () => {
  it('splits email recipients and drops an empty webhook secret', () => {
    expect(channelConfig('email', { to: 'a@example.com, b@example.com' })).toEqual({ to: ['a@example.com', 'b@example.com'] });
    expect(channelConfig('webhook', { url: 'https://h.example/x', secret: '' })).toEqual({ url: 'https://h.example/x' });
    expect(channelConfig('whatsapp', { phone_number_id: '1', access_token: 't', to: '+49', template: 'alert' })).toMatchObject({ template: { name: 'alert', language: 'en_US' } });
  });
});

describe('status page preview rules', () => {
  it('derives the banner from the draft components', () => {
    expect(draftOverall([])).toBe('operational');
    expect(draftOverall(['operational', 'unknown'])).toBe('operational');
    expect(draftOverall(['operational', 'degraded'])).toBe('degraded');
    expect(draftOverall(['operational', 'outage'])).toBe('partial_outage');
    expect(draftOverall(['outage', 'outage', 'unknown'])).toBe('major_outage');
    expect(componentStatus(undefined)).toBe('unknown');
  });
});

describe('analytics date ranges', () => {
  it('computes presets ending today, inclusive', () => {
    expect(presetRange('today', '2026-11-29')).toEqual({ key: 'today', from: '2026-11-29', to: '2026-11-29' });
    expect(presetRange('7d', '2026-11-29')).toEqual({ key: '7d', from: '2026-11-23', to: '2026-11-29' });
    expect(presetRange('30d', '2026-03-01')).toEqual({ key: '30d', from: '2026-01-31', to: '2026-03-01' });
    expect(presetRange('12mo', '2026-11-29')).toEqual({ key: '12mo', from: '2025-11-30', to: '2026-11-29' });
  });
  it('compares with the same number of days just before', () => {
    expect(previousRange({ from: '2026-11-23', to: '2026-11-29' })).toEqual({ from: '2026-11-16', to: '2026-11-22' });
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });
  it("uses the site's time zone for today", () => {
    const at = new Date('2026-11-29T23:30:00Z');
    expect(todayIn('UTC', at)).toBe('2026-11-29');
    expect(todayIn('Europe/Berlin', at)).toBe('2026-11-30');
    expect(todayIn('America/Los_Angeles', at)).toBe('2026-11-29');
  });
  it('joins filters the way the API reads them', () => {
    expect(filterParam([])).toBeUndefined();
    expect(filterParam([{ property: 'page', value: '/pricing' }, { property: 'country', value: 'DE' }])).toBe('page:/pricing;country:DE');
  });
});

describe('weekly chart points', () => {
  it('sums days into Monday-started weeks, labelled with the first day present', async () => {
    const { weekly } = await import('../lib/date-range');
    const days = ['2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24', '2026-11-30'].map((date, i) => ({ date, pageviews: i + 1, visitors: 1 }));
    expect(weekly(days)).toEqual([
      { date: '2026-11-21', pageviews: 3, visitors: 2 },
      { date: '2026-11-23', pageviews: 7, visitors: 2 },
      { date: '2026-11-30', pageviews: 5, visitors: 1 },
    ]);
  });
});
