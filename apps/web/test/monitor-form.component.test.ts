// @vitest-environment happy-dom
import type { Monitor } from '@sentrypulse/shared';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createElement as h } from 'react';
import { SWRConfig } from 'swr';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MonitorForm } from '../components/monitors/monitor-form';
import { ApiError } from '../lib/api/errors';
import { acceptAuthResponse, clearSession } from '../lib/api/session';

/**
 * The monitor form as a user sees it: the channel routing of an edited monitor is pre-selected
 * and only a changed selection is sent; the "alert when slow" option appears with a threshold
 * and is validated with the shared schema. fetch is the browser's boundary (the channel list);
 * the real API is exercised by apps/api tests and the end-to-end test.
 */
const TEAM = 7;
let calls: string[];

const channel = (id: number, name: string, isDefault: boolean) => ({
  id,
  type: 'webhook',
  name,
  config: { url: `https://hooks.example.com/${id}` },
  is_default: isDefault,
  enabled: true,
  disabled_reason: null,
  created_at: '2026-11-29T08:00:00.000Z',
  updated_at: '2026-11-29T08:00:00.000Z',
});

beforeEach(() => {
  calls = [];
  acceptAuthResponse({
    access_token: 'header.payload.sig',
    refresh_token: 'r',
    expires_in: 900,
    user: { id: 1, name: 'Ada', email: 'ada@example.test', email_verified: true, two_factor_enabled: false },
    team: { id: TEAM, name: 'Ops', role: 'owner', plan: 'business' },
  });
  vi.stubGlobal('fetch', async (url: string) => {
    calls.push(url);
    if (url.startsWith(`/api/teams/${TEAM}/channels`)) {
      const body = { items: [channel(1, 'ops-default', true), channel(2, 'pager', false), channel(3, 'email-team', false)], next_cursor: null };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    }
    return new Response('{}', { status: 404, headers: { 'content-type': 'application/json' } });
  });
});
afterEach(() => {
  cleanup();
  clearSession(false);
  vi.unstubAllGlobals();
});

const monitor: Monitor = {
  id: 41,
  team_id: TEAM,
  name: 'Checkout API',
  type: 'http',
  url: 'https://api.example.com/health',
  method: 'GET',
  headers: null,
  body: null,
  expected_status: '200-299',
  keyword: null,
  keyword_absent: false,
  json_path: null,
  json_expected: null,
  follow_redirects: true,
  ssl_expiry_days: 14,
  dns_record_type: null,
  dns_expected: null,
  host: null,
  port: null,
  heartbeat_url: null,
  heartbeat_grace_seconds: null,
  last_heartbeat_at: null,
  interval_seconds: 60,
  timeout_ms: 10_000,
  confirmations: 2,
  recovery_confirmations: 1,
  degraded_threshold_ms: null,
  alert_on_degraded: false,
  severity: 'critical',
  regions: null,
  channel_ids: [2],
  enabled: true,
  status: 'up',
  uptime_24h: 100,
  last_checked_at: '2026-11-29T08:00:00.000Z',
  last_response_time_ms: 120,
  last_error: null,
  cert_expires_at: null,
  created_at: '2026-11-28T08:00:00.000Z',
  updated_at: '2026-11-29T08:00:00.000Z',
};

function renderForm(props: { monitor?: Monitor; onSubmit: (body: Record<string, unknown>) => Promise<void> }) {
  // A fresh SWR cache per test: the channel list is fetched by each render.
  return render(
    h(SWRConfig, { value: { provider: () => new Map(), dedupingInterval: 0 } }, h(MonitorForm, { teamId: TEAM, minInterval: 30, submitLabel: props.monitor ? 'Save changes' : 'Create monitor', ...props })),
  );
}

const box = (name: RegExp) => screen.getByRole('checkbox', { name }) as HTMLInputElement;

describe('MonitorForm: channel routing', () => {
  it('an edit pre-selects the channels the monitor routes to (not the team defaults) and sends the changed selection', async () => {
    const onSubmit = vi.fn(async (_body: Record<string, unknown>) => undefined);
    renderForm({ monitor, onSubmit });
    await screen.findByRole('checkbox', { name: /pager \(webhook\)/ });
    expect(calls).toContain(`/api/teams/${TEAM}/channels?limit=100`);
    expect(box(/pager/).checked).toBe(true);
    expect(box(/ops-default/).checked).toBe(false);
    expect(box(/email-team/).checked).toBe(false);

    await userEvent.click(box(/pager/));
    await userEvent.click(box(/email-team/));
    await userEvent.click(box(/ops-default/));
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    const body = onSubmit.mock.calls[0]![0];
    expect(body.channel_ids).toEqual([1, 3]);
    expect(body).not.toHaveProperty('type');
    expect(body).toMatchObject({ name: 'Checkout API', url: 'https://api.example.com/health' });
  });

  it('an edit that leaves the channels alone does not send channel_ids; unticking all sends []', async () => {
    const onSubmit = vi.fn(async (_body: Record<string, unknown>) => undefined);
    renderForm({ monitor, onSubmit });
    await screen.findByRole('checkbox', { name: /pager/ });
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect(onSubmit.mock.calls[0]![0]).not.toHaveProperty('channel_ids');

    await userEvent.click(box(/pager/));
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(2));
    expect(onSubmit.mock.calls[1]![0].channel_ids).toEqual([]);
  });

  it('a new monitor starts from the team default channels', async () => {
    const onSubmit = vi.fn(async (_body: Record<string, unknown>) => undefined);
    renderForm({ onSubmit });
    await screen.findByRole('checkbox', { name: /ops-default/ });
    await waitFor(() => expect(box(/ops-default/).checked).toBe(true));
    expect(box(/pager/).checked).toBe(false);
    await userEvent.type(screen.getByLabelText('Name'), 'Homepage');
    await userEvent.type(screen.getByLabelText('URL'), 'https://example.com/');
    await userEvent.click(screen.getByRole('button', { name: 'Create monitor' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect(onSubmit.mock.calls[0]![0]).toMatchObject({ type: 'http', name: 'Homepage', channel_ids: [1] });
  });
});

describe('MonitorForm: alert when slow', () => {
  it('shows the option only with a threshold and sends it with the threshold', async () => {
    const onSubmit = vi.fn(async (_body: Record<string, unknown>) => undefined);
    renderForm({ onSubmit });
    await screen.findByRole('checkbox', { name: /ops-default/ });
    expect(screen.queryByRole('checkbox', { name: /incident when slow/ })).toBeNull();
    await userEvent.type(screen.getByLabelText('Name'), 'Homepage');
    await userEvent.type(screen.getByLabelText('URL'), 'https://example.com/');
    await userEvent.type(screen.getByLabelText('Degraded above (ms)'), '1000');
    const slow = box(/incident when slow/);
    expect(slow.checked).toBe(false);
    await userEvent.click(slow);
    await userEvent.click(screen.getByRole('button', { name: 'Create monitor' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect(onSubmit.mock.calls[0]![0]).toMatchObject({ degraded_threshold_ms: 1000, alert_on_degraded: true });
  });

  it('an edit shows the stored choice; clearing the threshold hides the option and turns it off', async () => {
    const onSubmit = vi.fn(async (_body: Record<string, unknown>) => undefined);
    renderForm({ monitor: { ...monitor, degraded_threshold_ms: 1500, alert_on_degraded: true }, onSubmit });
    expect(box(/incident when slow/).checked).toBe(true);
    await userEvent.clear(screen.getByLabelText('Degraded above (ms)'));
    expect(screen.queryByRole('checkbox', { name: /incident when slow/ })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect(onSubmit.mock.calls[0]![0]).toMatchObject({ degraded_threshold_ms: null, alert_on_degraded: false });
  });

  it('shows the API refusal next to the option', async () => {
    const onSubmit = vi.fn(async (_body: Record<string, unknown>) => {
      throw new ApiError(400, {
        type: 'https://sentrypulse.dev/problems/bad-request',
        title: 'Bad Request',
        status: 400,
        detail: 'alert_on_degraded needs degraded_threshold_ms.',
        errors: [{ path: 'alert_on_degraded', message: 'needs degraded_threshold_ms: set the response time above which a check counts as slow' }],
      });
    });
    renderForm({ monitor: { ...monitor, degraded_threshold_ms: 1500, alert_on_degraded: true }, onSubmit });
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText(/needs degraded_threshold_ms/)).toBeTruthy();
    expect(box(/incident when slow/).getAttribute('aria-invalid')).toBe('true');
  });
});
