import { bullPrefix, JobProducer, monitorSchedulerId, QUEUES } from '@sentrypulse/jobs';
import type { InjectOptions } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTeam, createTestApp, createUser, teamWithRoles, type TestApp } from '../../test/helpers';
import { databaseFingerprint } from '../../test/tables';

let t: TestApp;
let jobs: JobProducer;
let queue: ReturnType<JobProducer['queue']>;
let redis: Redis;
beforeAll(async () => {
  t = await createTestApp();
  redis = new Redis(t.config.redisUrl, { maxRetriesPerRequest: null });
  jobs = new JobProducer({ connection: redis, prefix: bullPrefix(t.config.redisPrefix), db: t.db });
  queue = jobs.queue(QUEUES.checks);
});
afterAll(async () => {
  await jobs.close();
  redis.disconnect();
  await t.close();
});

const inject = (opts: InjectOptions) => t.app.inject(opts);
const http = { name: 'Homepage', type: 'http', url: 'https://example.com/health', interval_seconds: 60 };

async function scheduler(id: number) {
  return queue.getJobScheduler(monitorSchedulerId(id));
}

describe('monitors API', () => {
  it('creates an http monitor, schedules it and queues a first check', async () => {
    const { teamId, admin } = await teamWithRoles(t);
    const res = await inject({
      method: 'POST',
      url: `/api/teams/${teamId}/monitors`,
      headers: bearer(admin),
      payload: { ...http, keyword: 'OK', headers: { Authorization: 'Bearer s3cret', 'X-Trace': 'abc' }, confirmations: 2 },
    });
    expect(res.statusCode).toBe(201);
    const m = res.json();
    expect(m).toMatchObject({ name: 'Homepage', type: 'http', status: 'pending', uptime_24h: null, last_checked_at: null, method: 'GET', expected_status: '200-299', timeout_ms: 10_000, confirmations: 2, enabled: true });
    // secrets are never echoed back
    expect(m.headers).toEqual({ Authorization: '********', 'X-Trace': 'abc' });
    expect(JSON.stringify(m)).not.toContain('s3cret');
    const s = await scheduler(m.id);
    expect(s?.every).toBe(60_000);
    const waiting = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(waiting.some((j) => j.data.monitor_id === m.id && j.id?.startsWith('now-'))).toBe(true);
    // A PATCH that sends the mask back keeps the stored secret
    const patched = await inject({ method: 'PATCH', url: `/api/teams/${teamId}/monitors/${m.id}`, headers: bearer(admin), payload: { headers: { Authorization: '********', 'X-Trace': 'def' } } });
    expect(patched.statusCode).toBe(200);
    const row = await t.db.selectFrom('monitors').select('headers').where('id', '=', m.id).executeTakeFirstOrThrow();
    expect(row.headers).toEqual({ Authorization: 'Bearer s3cret', 'X-Trace': 'def' });
  });

  it('edits, pauses, resumes and deletes, keeping the scheduler in step', async () => {
    const { teamId, admin } = await teamWithRoles(t);
    const m = (await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(admin), payload: http })).json();
    const edited = await inject({ method: 'PATCH', url: `/api/teams/${teamId}/monitors/${m.id}`, headers: bearer(admin), payload: { interval_seconds: 120, name: 'Renamed' } });
    expect(edited.json()).toMatchObject({ interval_seconds: 120, name: 'Renamed' });
    expect((await scheduler(m.id))?.every).toBe(120_000);

    const paused = await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors/${m.id}/pause`, headers: bearer(admin) });
    expect(paused.json()).toMatchObject({ status: 'paused', enabled: false });
    expect(await scheduler(m.id)).toBeFalsy();
    const checkWhilePaused = await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors/${m.id}/check-now`, headers: bearer(admin) });
    expect(checkWhilePaused.statusCode).toBe(409);

    const resumed = await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors/${m.id}/resume`, headers: bearer(admin) });
    expect(resumed.json()).toMatchObject({ status: 'pending', enabled: true });
    expect((await scheduler(m.id))?.every).toBe(120_000);
    const now = await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors/${m.id}/check-now`, headers: bearer(admin) });
    expect(now.statusCode).toBe(202);
    expect(await queue.getJob(now.json().job_id)).toBeTruthy();

    const del = await inject({ method: 'DELETE', url: `/api/teams/${teamId}/monitors/${m.id}`, headers: bearer(admin) });
    expect(del.statusCode).toBe(204);
    expect(await scheduler(m.id)).toBeFalsy();
    expect((await inject({ method: 'GET', url: `/api/teams/${teamId}/monitors/${m.id}`, headers: bearer(admin) })).statusCode).toBe(404);
  });

  it('lists with keyset pagination and filters; another team sees 404', async () => {
    const { teamId, admin, member } = await teamWithRoles(t);
    for (let i = 0; i < 5; i++) await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(admin), payload: { ...http, name: `m${i}` } });
    const p1 = await inject({ method: 'GET', url: `/api/teams/${teamId}/monitors?limit=3`, headers: bearer(member) });
    expect(p1.json().items.map((m: { name: string }) => m.name)).toEqual(['m0', 'm1', 'm2']);
    const p2 = await inject({ method: 'GET', url: `/api/teams/${teamId}/monitors?limit=3&cursor=${p1.json().next_cursor}`, headers: bearer(member) });
    expect(p2.json().items.map((m: { name: string }) => m.name)).toEqual(['m3', 'm4']);
    expect(p2.json().next_cursor).toBeNull();
    const paused = await inject({ method: 'GET', url: `/api/teams/${teamId}/monitors?status=paused`, headers: bearer(member) });
    expect(paused.json().items).toEqual([]);
    const bad = await inject({ method: 'GET', url: `/api/teams/${teamId}/monitors?cursor=abc`, headers: bearer(member) });
    expect(bad.statusCode).toBe(400);

    const stranger = await createUser(t, 'Stranger');
    const otherTeam = await createTeam(t, stranger, 'business');
    const id = p1.json().items[0].id;
    expect((await inject({ method: 'GET', url: `/api/teams/${otherTeam}/monitors/${id}`, headers: bearer(stranger) })).statusCode).toBe(404);
    expect((await inject({ method: 'DELETE', url: `/api/teams/${otherTeam}/monitors/${id}`, headers: bearer(stranger) })).statusCode).toBe(404);
    expect((await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(member), payload: http })).statusCode).toBe(403);
  });

  it('validates every type: dns needs host and record type, tcp host and port, heartbeat gets a ping URL', async () => {
    const { teamId, admin } = await teamWithRoles(t);
    const dns = await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(admin), payload: { name: 'dns', type: 'dns', host: 'example.com', dns_record_type: 'MX', dns_expected: ['mx.example.com'], interval_seconds: 60 } });
    expect(dns.statusCode).toBe(201);
    const tcp = await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(admin), payload: { name: 'db', type: 'tcp', host: 'db.example.com', port: 5432, interval_seconds: 60 } });
    expect(tcp.statusCode).toBe(201);
    const hb = await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(admin), payload: { name: 'cron', type: 'heartbeat', interval_seconds: 300, heartbeat_grace_seconds: 60 } });
    expect(hb.statusCode).toBe(201);
    expect(hb.json().heartbeat_url).toMatch(/\/api\/heartbeat\/[0-9a-f]{32}$/);
    // a daily heartbeat is still evaluated every minute
    const daily = await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(admin), payload: { name: 'nightly', type: 'heartbeat', interval_seconds: 86_400 } });
    expect((await scheduler(daily.json().id))?.every).toBe(60_000);
  });
});

describe('channel routing', () => {
  it('new monitors get the default channels; channel_ids replaces them; unknown ids are a 400 with nothing stored', async () => {
    const { teamId, admin } = await teamWithRoles(t);
    const channel = async (name: string, isDefault: boolean) =>
      Number(
        (
          await t.db
            .insertInto('notification_channels')
            .values({ team_id: teamId, type: 'webhook', name, config: JSON.stringify({ url: 'https://hooks.example.com' }), is_default: isDefault } as never)
            .executeTakeFirstOrThrow()
        ).insertId,
      );
    const def = await channel('default', true);
    const other = await channel('other', false);
    const m = (await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(admin), payload: http })).json();
    expect(m.channel_ids).toEqual([def]);
    const routed = await inject({ method: 'PATCH', url: `/api/teams/${teamId}/monitors/${m.id}`, headers: bearer(admin), payload: { channel_ids: [other] } });
    expect(routed.json().channel_ids).toEqual([other]);
    const stranger = await createUser(t, 'Stranger');
    const otherTeam = await createTeam(t, stranger, 'business');
    const foreign = Number((await t.db.insertInto('notification_channels').values({ team_id: otherTeam, type: 'webhook', name: 'x', config: '{}' } as never).executeTakeFirstOrThrow()).insertId);
    const before = await databaseFingerprint(t.db);
    const bad = await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(admin), payload: { ...http, channel_ids: [foreign] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(/channel_ids/);
    const badPatch = await inject({ method: 'PATCH', url: `/api/teams/${teamId}/monitors/${m.id}`, headers: bearer(admin), payload: { channel_ids: [foreign] } });
    expect(badPatch.statusCode).toBe(400);
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });

  it('every monitor answer carries its channel_ids (get, list), so an edit form can show and change the routing', async () => {
    const { teamId, admin, member } = await teamWithRoles(t);
    const channel = async (name: string, isDefault: boolean) =>
      Number(
        (
          await t.db
            .insertInto('notification_channels')
            .values({ team_id: teamId, type: 'webhook', name, config: JSON.stringify({ url: 'https://hooks.example.com' }), is_default: isDefault } as never)
            .executeTakeFirstOrThrow()
        ).insertId,
      );
    const a = await channel('ops', true);
    const b = await channel('pager', false);
    const c = await channel('email', false);
    const m = (await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(admin), payload: { ...http, channel_ids: [c, b] } })).json();
    const plain = (await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(admin), payload: { ...http, name: 'defaults' } })).json();
    const one = await inject({ method: 'GET', url: `/api/teams/${teamId}/monitors/${m.id}`, headers: bearer(member) });
    expect(one.statusCode).toBe(200);
    expect([...one.json().channel_ids].sort()).toEqual([b, c].sort());
    const list = (await inject({ method: 'GET', url: `/api/teams/${teamId}/monitors`, headers: bearer(member) })).json();
    const byId = new Map(list.items.map((i: { id: number; channel_ids: number[] }) => [i.id, [...i.channel_ids].sort()]));
    expect(byId.get(m.id)).toEqual([b, c].sort());
    expect(byId.get(plain.id)).toEqual([a]);
    // the edit form sends the whole selection back: it replaces the routing; [] routes nowhere
    const edited = await inject({ method: 'PATCH', url: `/api/teams/${teamId}/monitors/${m.id}`, headers: bearer(admin), payload: { channel_ids: [a, b] } });
    expect([...edited.json().channel_ids].sort()).toEqual([a, b].sort());
    const none = await inject({ method: 'PATCH', url: `/api/teams/${teamId}/monitors/${m.id}`, headers: bearer(admin), payload: { channel_ids: [] } });
    expect(none.json().channel_ids).toEqual([]);
    expect((await inject({ method: 'GET', url: `/api/teams/${teamId}/monitors/${m.id}`, headers: bearer(member) })).json().channel_ids).toEqual([]);
    // a PATCH without channel_ids leaves the routing alone
    const renamed = await inject({ method: 'PATCH', url: `/api/teams/${teamId}/monitors/${plain.id}`, headers: bearer(admin), payload: { name: 'renamed' } });
    expect(renamed.json().channel_ids).toEqual([a]);
  });
});

describe('alert_on_degraded (performance incidents)', () => {
  it('defaults to false; is stored with a threshold; clearing the threshold needs the option off too', async () => {
    const { teamId, admin } = await teamWithRoles(t);
    const plain = (await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(admin), payload: http })).json();
    expect(plain.alert_on_degraded).toBe(false);
    const res = await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(admin), payload: { ...http, degraded_threshold_ms: 1000, alert_on_degraded: true } });
    expect(res.statusCode).toBe(201);
    const m = res.json();
    expect(m).toMatchObject({ degraded_threshold_ms: 1000, alert_on_degraded: true });
    expect((await inject({ method: 'GET', url: `/api/teams/${teamId}/monitors/${m.id}`, headers: bearer(admin) })).json().alert_on_degraded).toBe(true);

    const before = await databaseFingerprint(t.db);
    const cleared = await inject({ method: 'PATCH', url: `/api/teams/${teamId}/monitors/${m.id}`, headers: bearer(admin), payload: { degraded_threshold_ms: null } });
    expect(cleared.statusCode).toBe(400);
    expect(cleared.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(cleared.json().detail).toMatch(/alert_on_degraded needs degraded_threshold_ms/);
    expect(cleared.json().errors).toEqual([{ path: 'alert_on_degraded', message: expect.stringMatching(/needs degraded_threshold_ms/) }]);
    const turnedOn = await inject({ method: 'PATCH', url: `/api/teams/${teamId}/monitors/${plain.id}`, headers: bearer(admin), payload: { alert_on_degraded: true } });
    expect(turnedOn.statusCode).toBe(400);
    expect(await databaseFingerprint(t.db)).toEqual(before);

    const off = await inject({ method: 'PATCH', url: `/api/teams/${teamId}/monitors/${m.id}`, headers: bearer(admin), payload: { degraded_threshold_ms: null, alert_on_degraded: false } });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ degraded_threshold_ms: null, alert_on_degraded: false });
    const on = await inject({ method: 'PATCH', url: `/api/teams/${teamId}/monitors/${plain.id}`, headers: bearer(admin), payload: { degraded_threshold_ms: 800, alert_on_degraded: true } });
    expect(on.json()).toMatchObject({ degraded_threshold_ms: 800, alert_on_degraded: true });
  });
});

describe('bad monitor input: a clear 400/403 problem and nothing stored or scheduled', () => {
  const cases: Array<[string, Record<string, unknown>, number, RegExp]> = [
    ['unknown type', { ...http, type: 'smtp' }, 400, /body\.type/],
    ['interval below the minimum', { ...http, interval_seconds: 5 }, 400, /interval_seconds/],
    ['interval below the plan minimum', { ...http, interval_seconds: 30 }, 403, /at least 60 seconds/],
    ['malformed URL', { ...http, url: 'not a url' }, 400, /url/],
    ['non-http scheme', { ...http, url: 'file:///etc/passwd' }, 400, /url/],
    ['header injection (CRLF in a value)', { ...http, headers: { 'X-A': 'ok\r\nX-Injected: 1' } }, 400, /control characters/],
    ['header injection (bad name)', { ...http, headers: { 'X-A\r\nB': 'v' } }, 400, /header name/],
    ['100 KB body', { ...http, method: 'POST', body: 'x'.repeat(100 * 1024) }, 400, /body/],
    ['negative timeout', { ...http, timeout_ms: -1 }, 400, /timeout_ms/],
    ['timeout longer than the interval', { ...http, timeout_ms: 61_000 }, 400, /timeout_ms/],
    ['http without url', { name: 'x', type: 'http', interval_seconds: 60 }, 400, /url/],
    ['tcp without port', { name: 'x', type: 'tcp', host: 'example.com', interval_seconds: 60 }, 400, /port/],
    ['bad expected status', { ...http, expected_status: '200-999' }, 400, /expected_status/],
    ['unknown field', { ...http, surprise: true }, 400, /surprise|Unrecognized/i],
    ['alert_on_degraded without a threshold', { ...http, alert_on_degraded: true }, 400, /body\.alert_on_degraded: needs degraded_threshold_ms/],
    ['alert_on_degraded not a boolean', { ...http, degraded_threshold_ms: 500, alert_on_degraded: 'yes' }, 400, /alert_on_degraded/],
    ['alert_on_degraded on a heartbeat', { name: 'x', type: 'heartbeat', interval_seconds: 60, degraded_threshold_ms: 500, alert_on_degraded: true }, 400, /not available for heartbeat/],
  ];

  it.each(cases)('%s', async (_name, payload, status, detail) => {
    const owner = await createUser(t, 'Owner');
    const teamId = await createTeam(t, owner, 'free');
    const before = await databaseFingerprint(t.db);
    const schedulersBefore = await queue.getJobSchedulersCount();
    const res = await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(owner), payload });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(JSON.stringify(res.json())).toMatch(detail);
    expect(await databaseFingerprint(t.db)).toEqual(before);
    expect(await queue.getJobSchedulersCount()).toBe(schedulersBefore);
  });

  it('refuses the 11th monitor on the free plan with the limit named', async () => {
    const owner = await createUser(t, 'Owner');
    const teamId = await createTeam(t, owner, 'free');
    for (let i = 0; i < 10; i++) {
      expect((await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(owner), payload: http })).statusCode).toBe(201);
    }
    const before = await databaseFingerprint(t.db);
    const res = await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(owner), payload: http });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ limit: 'monitors', plan: 'free', max: 10 });
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });

  it('rejects a PATCH that breaks the type rules, leaving the monitor unchanged', async () => {
    const { teamId, admin } = await teamWithRoles(t);
    const m = (await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(admin), payload: http })).json();
    const before = await databaseFingerprint(t.db);
    for (const payload of [{ url: null }, { timeout_ms: -5 }, { interval_seconds: 100_000 }, { body: 'x' }, { type: 'tcp' }]) {
      const res = await inject({ method: 'PATCH', url: `/api/teams/${teamId}/monitors/${m.id}`, headers: bearer(admin), payload });
      expect(res.statusCode).toBe(400);
    }
    expect(await databaseFingerprint(t.db)).toEqual(before);
    expect((await scheduler(m.id))?.every).toBe(60_000);
  });
});

describe('checks list and stats', () => {
  it('pages checks newest first within a time range and computes time-based uptime', async () => {
    const { teamId, admin } = await teamWithRoles(t);
    const m = (await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(admin), payload: http })).json();
    const now = Date.now();
    await t.db.updateTable('monitors').set({ created_at: new Date(now - 2 * 86_400_000) } as never).where('id', '=', m.id).execute();
    const rows = Array.from({ length: 10 }, (_, i) => ({
      monitor_id: m.id,
      team_id: teamId,
      status: (i === 3 ? 'down' : 'up') as 'up' | 'down',
      status_code: i === 3 ? 500 : 200,
      response_time_ms: 100 + i,
      error: i === 3 ? 'expected status 200-299, got 500' : null,
      checked_at: new Date(now - (10 - i) * 60_000),
    }));
    await t.db.insertInto('monitor_checks').values(rows).execute();
    // one hour of confirmed downtime within the last 24 h
    await t.db.insertInto('monitor_outages').values({ monitor_id: m.id, team_id: teamId, started_at: new Date(now - 3 * 3_600_000), ended_at: new Date(now - 2 * 3_600_000) }).execute();

    const p1 = await inject({ method: 'GET', url: `/api/teams/${teamId}/monitors/${m.id}/checks?limit=4`, headers: bearer(admin) });
    expect(p1.statusCode).toBe(200);
    expect(p1.json().items.map((c: { response_time_ms: number }) => c.response_time_ms)).toEqual([109, 108, 107, 106]);
    const p2 = await inject({ method: 'GET', url: `/api/teams/${teamId}/monitors/${m.id}/checks?limit=4&cursor=${p1.json().next_cursor}`, headers: bearer(admin) });
    expect(p2.json().items.map((c: { response_time_ms: number }) => c.response_time_ms)).toEqual([105, 104, 103, 102]);
    const from = new Date(now - 5.5 * 60_000).toISOString();
    const ranged = await inject({ method: 'GET', url: `/api/teams/${teamId}/monitors/${m.id}/checks?from=${from}`, headers: bearer(admin) });
    expect(ranged.json().items).toHaveLength(5);
    const down = await inject({ method: 'GET', url: `/api/teams/${teamId}/monitors/${m.id}/checks?status=down`, headers: bearer(admin) });
    expect(down.json().items[0]).toMatchObject({ status: 'down', status_code: 500, error: 'expected status 200-299, got 500' });
    for (const q of ['cursor=zzz', 'from=yesterday', 'limit=0', 'status=sideways']) {
      expect((await inject({ method: 'GET', url: `/api/teams/${teamId}/monitors/${m.id}/checks?${q}`, headers: bearer(admin) })).statusCode).toBe(400);
    }

    const stats = await inject({ method: 'GET', url: `/api/teams/${teamId}/monitors/${m.id}/stats?range=1h`, headers: bearer(admin) });
    expect(stats.statusCode).toBe(200);
    const s = stats.json();
    expect(s.uptime['24h']).toBe(95.8333);
    expect(s.uptime['7d']).toBeLessThan(100);
    expect(s.days.length).toBeGreaterThanOrEqual(2);
    const buckets = s.response_times.filter((b: { checks: number }) => b.checks > 0);
    expect(buckets.reduce((n: number, b: { checks: number }) => n + b.checks, 0)).toBe(9);
    expect((await inject({ method: 'GET', url: `/api/teams/${teamId}/monitors/${m.id}/stats?range=1y`, headers: bearer(admin) })).statusCode).toBe(400);
  });
});

describe('heartbeat', () => {
  it('records a ping by token and answers 404 for unknown or malformed tokens without changes', async () => {
    const { teamId, admin } = await teamWithRoles(t);
    const hb = (await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(admin), payload: { name: 'cron', type: 'heartbeat', interval_seconds: 60 } })).json();
    const token = hb.heartbeat_url.split('/').pop();
    const ping = await inject({ method: 'POST', url: `/api/heartbeat/${token}` });
    expect(ping.statusCode).toBe(200);
    expect(ping.json()).toEqual({ ok: true, monitor_id: hb.id });
    const row = await t.db.selectFrom('monitors').select('last_heartbeat_at').where('id', '=', hb.id).executeTakeFirstOrThrow();
    expect(row.last_heartbeat_at).toBeInstanceOf(Date);
    const withBody = await inject({ method: 'POST', url: `/api/heartbeat/${token}`, headers: { 'content-type': 'text/plain' }, payload: 'done in 3s' });
    expect(withBody.statusCode).toBe(200);
    // a cron line's plain `curl URL` is a GET
    await t.db.updateTable('monitors').set({ last_heartbeat_at: null }).where('id', '=', hb.id).execute();
    const viaGet = await inject({ method: 'GET', url: `/api/heartbeat/${token}` });
    expect(viaGet.statusCode).toBe(200);
    expect(viaGet.json()).toEqual({ ok: true, monitor_id: hb.id });
    expect((await t.db.selectFrom('monitors').select('last_heartbeat_at').where('id', '=', hb.id).executeTakeFirstOrThrow()).last_heartbeat_at).toBeInstanceOf(Date);
    const before = await databaseFingerprint(t.db);
    for (const bad of ['0'.repeat(32), 'not-a-token', `${token}x`]) {
      for (const method of ['POST', 'GET'] as const) {
        const res = await inject({ method, url: `/api/heartbeat/${bad}` });
        expect(res.statusCode).toBe(404);
        expect(res.headers['content-type']).toMatch(/problem\+json/);
      }
    }
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });
});
