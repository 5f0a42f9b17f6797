import { transactionWithRetry } from '@sentrypulse/db';
import { promtool } from '@sentrypulse/metrics/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());


function sampleValue(text: string, metric: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    const labelText = line.slice(metric.length + 1, line.indexOf('}'));
    const got = Object.fromEntries([...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v) && Object.keys(got).length === Object.keys(labels).length) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

describe('Prometheus metrics on the api', () => {
  it('counts transactions re-run after a lock conflict (sentrypulse_db_lock_retries_total)', async () => {
    const read = async () =>
      sampleValue((await t.app.inject({ method: 'GET', url: '/metrics' })).body, 'sentrypulse_db_lock_retries_total', { reason: 'deadlock', outcome: 'retry' }) ?? 0;
    const before = await read();
    let runs = 0;
    // The error mysql2 raises for a deadlock victim (a real one is provoked in packages/db/src/retry.test.ts).
    await transactionWithRetry(t.db, async () => {
      runs += 1;
      if (runs === 1) throw Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { errno: 1213, code: 'ER_LOCK_DEADLOCK' });
    });
    expect(runs).toBe(2);
    expect(await read()).toBe(before + 1);
  });

  it('times requests by route template and status, not by raw URL', async () => {
    for (let i = 0; i < 3; i++) await t.app.inject({ method: 'GET', url: '/api/health' });
    await t.app.inject({ method: 'GET', url: '/api/teams/12345/members' }); // 401, templated route
    await t.app.inject({ method: 'GET', url: '/api/definitely-not-a-route' });

    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    const name = 'sentrypulse_http_request_duration_seconds_count';
    expect(sampleValue(text, name, { method: 'GET', route: '/api/health', status_code: '200' })).toBe(3);
    expect(sampleValue(text, name, { method: 'GET', route: '/api/teams/:teamId/members', status_code: '401' })).toBe(1);
    expect(sampleValue(text, name, { method: 'GET', route: 'unmatched', status_code: '404' })).toBe(1);
    expect(text).not.toContain('12345');
    expect(text).not.toContain('definitely-not-a-route');
    // Buckets are cumulative: every health request is within the 10 s bucket.
    expect(sampleValue(text, 'sentrypulse_http_request_duration_seconds_bucket', { method: 'GET', route: '/api/health', status_code: '200', le: '10' })).toBe(3);
    // Default process metrics are there too (CPU, memory, event-loop lag).
    expect(text).toMatch(/^sentrypulse_api_process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^sentrypulse_api_nodejs_eventloop_lag_seconds \d/m);
  });

  it('does not count its own scrapes', async () => {
    await t.app.inject({ method: 'GET', url: '/metrics' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).not.toContain('route="/metrics"');
  });

  it('lets feature plugins register their own metrics, idempotently by name', async () => {
    const a = t.app.metrics.counter({ name: 'sentrypulse_test_things_total', help: 'things', labelNames: ['kind'] as const });
    const b = t.app.metrics.counter({ name: 'sentrypulse_test_things_total', help: 'things', labelNames: ['kind'] as const });
    expect(b).toBe(a);
    a.inc({ kind: 'x' }, 2);
    b.inc({ kind: 'x' });
    t.app.metrics.gauge({ name: 'sentrypulse_test_level', help: 'level' }).set(7);
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(sampleValue(res.body, 'sentrypulse_test_things_total', { kind: 'x' })).toBe(3);
    expect(res.body).toMatch(/^sentrypulse_test_level 7$/m);
  });

  it('is served without a token and is not part of the OpenAPI document', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer nonsense' } });
    expect(res.statusCode).toBe(200);
    const doc = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(doc.statusCode).toBe(200);
    expect(Object.keys(doc.json().paths)).toContain('/api/health');
    expect(Object.keys(doc.json().paths)).not.toContain('/metrics');
  });

  it('passes promtool check metrics: no gauge named like a counter, help on every series', async () => {
    await t.app.inject({ method: 'GET', url: '/api/health' });
    await t.app.inject({ method: 'GET', url: '/api/nothing-here' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).toMatch(/^sentrypulse_api_nodejs_active_handles\{/m); // the by-type gauge stays
    expect(res.body).not.toMatch(/_active_\w+_total/);
    expect(promtool(res.body)).toEqual({ code: 0, output: '' });
  });
});
