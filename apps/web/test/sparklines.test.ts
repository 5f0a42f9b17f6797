// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { createElement as h, Fragment } from 'react';
import { SWRConfig } from 'swr';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MonitorSparkline } from '../components/monitors/monitor-sparkline';
import { acceptAuthResponse, clearSession } from '../lib/api/session';

/**
 * The monitors list asks for sparklines in batches: every row revealed at the same time shares
 * one request (at most 100 ids each). fetch is the browser's boundary, so the test answers there
 * like the API would (the real endpoint is tested in apps/api, the page end to end).
 */
let calls: string[];
let fail = false;

function answer(url: string) {
  const u = new URL(url, 'http://x');
  const ids = u.searchParams.get('ids')!.split(',').map(Number);
  // Monitor 13 is not the team's: the API leaves it out.
  const items = ids
    .filter((id) => id !== 13)
    .map((id) => ({
      monitor_id: id,
      checks: [0, 1, 2].map((k) => ({ status: k === 1 && id % 2 ? 'down' : 'up', response_time_ms: k === 1 && id % 2 ? null : id + k, checked_at: new Date(Date.UTC(2026, 10, 29, 8, k)).toISOString() })),
    }));
  return new Response(JSON.stringify({ items }), { status: 200, headers: { 'content-type': 'application/json' } });
}

beforeEach(() => {
  calls = [];
  fail = false;
  acceptAuthResponse({ access_token: 'a.b.c', refresh_token: 'r', expires_in: 900, user: { id: 1, name: 'Ada', email: 'ada@example.test', email_verified: true, two_factor_enabled: false }, team: { id: 7, name: 'T', role: 'owner', plan: 'free' } } as never);
  // No IntersectionObserver: rows count as visible at once (as the hook does without one).
  vi.stubGlobal('IntersectionObserver', undefined);
  vi.stubGlobal('fetch', async (url: string) => {
    calls.push(url);
    if (fail) return new Response(JSON.stringify({ type: 'x', title: 'Bad', status: 500 }), { status: 500, headers: { 'content-type': 'application/problem+json' } });
    return answer(url);
  });
});
afterEach(() => {
  cleanup();
  clearSession(false);
  vi.unstubAllGlobals();
});

type Row = { teamId: number; id: number; at: string | null };
const list = (rows: Row[]) =>
  h(SWRConfig, { value: { provider: () => new Map(), dedupingInterval: 0 } }, h(Fragment, null, ...rows.map((r) => h('div', { key: `${r.teamId}-${r.id}`, 'data-testid': `row-${r.id}` }, h(MonitorSparkline, { teamId: r.teamId, monitorId: r.id, lastCheckedAt: r.at })))));
const idsOf = (url: string) => new URL(url, 'http://x').searchParams.get('ids')!.split(',').map(Number);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('monitor sparklines', () => {
  it('loads 150 rows with two requests (100 + 50 ids) and draws each row from its own checks', async () => {
    const rows = range(1, 150).map((id) => ({ teamId: 7, id, at: '2026-11-29T08:02:00.000Z' }));
    render(list(rows));
    await waitFor(() => expect(screen.getAllByRole('img')).toHaveLength(149));
    expect(calls).toHaveLength(2);
    expect(calls.every((c) => c.startsWith('/api/teams/7/monitors/sparklines?ids='))).toBe(true);
    expect(idsOf(calls[0]!)).toEqual(range(1, 100));
    expect(idsOf(calls[1]!)).toEqual(range(101, 150));
    // 13 is absent from the answer: no line. An odd id's middle check is down: a gap in the path.
    expect(screen.getByTestId('row-13').querySelector('svg')).toBeNull();
    expect(screen.getByTestId('row-2').querySelector('path')!.getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+L[\d.]+,[\d.]+L[\d.]+,[\d.]+$/);
    expect(screen.getByTestId('row-3').querySelector('path')!.getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+M[\d.]+,[\d.]+$/);
  });

  it('asks per team, skips monitors never checked, and refetches only rows with a newer check, together', async () => {
    const rows: Row[] = [
      { teamId: 7, id: 2, at: 'a' },
      { teamId: 7, id: 4, at: 'a' },
      { teamId: 7, id: 6, at: null },
      { teamId: 9, id: 8, at: 'a' },
    ];
    const view = render(list(rows));
    await waitFor(() => expect(screen.getAllByRole('img')).toHaveLength(3));
    expect(calls.map((c) => [c.split('/')[3], idsOf(c)])).toEqual([
      ['7', [2, 4]],
      ['9', [8]],
    ]);
    calls = [];
    // The list poll shows new checks for 2 and 4 (8 unchanged): one request for both.
    view.rerender(list(rows.map((r) => (r.id === 8 || r.at === null ? r : { ...r, at: 'b' }))));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(idsOf(calls[0]!)).toEqual([2, 4]);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toHaveLength(1);
    expect(screen.getAllByRole('img')).toHaveLength(3);
  });

  it('leaves the cells empty when the request fails', async () => {
    fail = true;
    render(list([{ teamId: 7, id: 2, at: 'a' }, { teamId: 7, id: 4, at: 'a' }]));
    await waitFor(() => expect(calls.length).toBeGreaterThanOrEqual(1));
    expect(idsOf(calls[0]!)).toEqual([2, 4]);
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryAllByRole('img')).toHaveLength(0);
    expect(screen.getByTestId('row-2').querySelector('svg')).toBeNull();
  });
});
