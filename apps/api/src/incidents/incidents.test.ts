import { bullPrefix, incidentEventJob, jobIdOf, JobProducer, QUEUES } from '@sentrypulse/jobs';
import type { InjectOptions } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTeam, createUser, createTestApp, teamWithRoles, type TestApp } from '../../test/helpers';
import { databaseFingerprint } from '../../test/tables';

let t: TestApp;
let jobs: JobProducer;
let redis: Redis;
beforeAll(async () => {
  t = await createTestApp();
  redis = new Redis(t.config.redisUrl, { maxRetriesPerRequest: null });
  jobs = new JobProducer({ connection: redis, prefix: bullPrefix(t.config.redisPrefix), db: t.db });
});
afterAll(async () => {
  await jobs.close();
  redis.disconnect();
  await t.close();
});

const inject = (opts: InjectOptions) => t.app.inject(opts);

async function setup() {
  const roles = await teamWithRoles(t);
  const monitor = (
    await inject({ method: 'POST', url: `/api/teams/${roles.teamId}/monitors`, headers: bearer(roles.admin), payload: { name: 'api', type: 'http', url: 'https://example.com', interval_seconds: 60 } })
  ).json();
  return { ...roles, monitor };
}

async function eventTypes(incidentId: number) {
  const rows = await t.db.selectFrom('incident_events').selectAll().where('incident_id', '=', incidentId).orderBy('id').execute();
  for (const e of rows) {
    const job = await jobs.queue(QUEUES.notify).getJob(await jobIdOf(jobs, incidentEventJob, { event_id: Number(e.id) }));
    expect(job?.data).toEqual({ event_id: Number(e.id) });
    expect(e.queued_at).not.toBeNull();
  }
  return rows.map((e) => e.type);
}

describe('manual incidents', () => {
  it('opens, updates along the timeline, resolves, then takes a postmortem; each step emits an event', async () => {
    const { teamId, admin, member, monitor } = await setup();
    const created = await inject({
      method: 'POST',
      url: `/api/teams/${teamId}/incidents`,
      headers: bearer(admin),
      payload: { title: 'Payments slow', severity: 'major', message: 'Looking into it', monitor_ids: [monitor.id] },
    });
    expect(created.statusCode).toBe(201);
    const inc = created.json();
    expect(inc).toMatchObject({ title: 'Payments slow', kind: 'manual', cause: null, status: 'investigating', severity: 'major', monitor_ids: [monitor.id], resolved_at: null });
    expect(inc.updates).toHaveLength(1);

    const ack = await inject({ method: 'POST', url: `/api/teams/${teamId}/incidents/${inc.id}/acknowledge`, headers: bearer(member) });
    expect(ack.json()).toMatchObject({ acknowledged_by: member.id });
    const ack2 = await inject({ method: 'POST', url: `/api/teams/${teamId}/incidents/${inc.id}/acknowledge`, headers: bearer(admin) });
    expect(ack2.json().acknowledged_by).toBe(member.id);

    const early = await inject({ method: 'PUT', url: `/api/teams/${teamId}/incidents/${inc.id}/postmortem`, headers: bearer(admin), payload: { postmortem: 'x' } });
    expect(early.statusCode).toBe(409);

    for (const status of ['identified', 'monitoring']) {
      const res = await inject({ method: 'POST', url: `/api/teams/${teamId}/incidents/${inc.id}/updates`, headers: bearer(member), payload: { status, message: `now ${status}` } });
      expect(res.statusCode).toBe(201);
      expect(res.json().status).toBe(status);
    }
    const open = await inject({ method: 'GET', url: `/api/teams/${teamId}/incidents?status=open`, headers: bearer(member) });
    expect(open.json().items.map((i: { id: number }) => i.id)).toContain(inc.id);

    const resolved = await inject({ method: 'POST', url: `/api/teams/${teamId}/incidents/${inc.id}/updates`, headers: bearer(admin), payload: { status: 'resolved', message: 'Fixed' } });
    expect(resolved.json()).toMatchObject({ status: 'resolved' });
    expect(resolved.json().resolved_at).not.toBeNull();
    expect(resolved.json().updates.map((u: { status: string }) => u.status)).toEqual(['investigating', 'identified', 'monitoring', 'resolved']);

    const before = await databaseFingerprint(t.db);
    const late = await inject({ method: 'POST', url: `/api/teams/${teamId}/incidents/${inc.id}/updates`, headers: bearer(admin), payload: { status: 'monitoring', message: 'again' } });
    expect(late.statusCode).toBe(409);
    expect(await databaseFingerprint(t.db)).toEqual(before);

    const pm = await inject({ method: 'PUT', url: `/api/teams/${teamId}/incidents/${inc.id}/postmortem`, headers: bearer(admin), payload: { postmortem: 'Root cause: a full disk.' } });
    expect(pm.json().postmortem).toBe('Root cause: a full disk.');
    const denied = await inject({ method: 'PUT', url: `/api/teams/${teamId}/incidents/${inc.id}/postmortem`, headers: bearer(member), payload: { postmortem: 'no' } });
    expect(denied.statusCode).toBe(403);

    // The first acknowledgement is an event too (forwarded to PagerDuty/Opsgenie, stops escalation); the second is not.
    expect(await eventTypes(inc.id)).toEqual(['incident.opened', 'incident.acknowledged', 'incident.updated', 'incident.updated', 'incident.resolved']);
    const events = await inject({ method: 'GET', url: `/api/teams/${teamId}/incident-events`, headers: bearer(member) });
    expect(events.json().items.map((e: { type: string }) => e.type)).toEqual(['incident.resolved', 'incident.updated', 'incident.updated', 'incident.acknowledged', 'incident.opened']);
    const resolvedList = await inject({ method: 'GET', url: `/api/teams/${teamId}/incidents?status=resolved&monitor_id=${monitor.id}`, headers: bearer(member) });
    expect(resolvedList.json().items[0].id).toBe(inc.id);
  });

  it('refuses bad input with a clear problem and changes nothing', async () => {
    const { teamId, admin, member } = await setup();
    const stranger = await createUser(t, 'Stranger');
    const otherTeam = await createTeam(t, stranger, 'business');
    const foreign = (
      await inject({ method: 'POST', url: `/api/teams/${otherTeam}/monitors`, headers: bearer(stranger), payload: { name: 'x', type: 'http', url: 'https://example.org', interval_seconds: 60 } })
    ).json();
    const bad: Array<[Record<string, unknown>, number]> = [
      [{ title: '', message: 'm' }, 400],
      [{ title: 'x', message: '' }, 400],
      [{ title: 'x', message: 'm', severity: 'apocalyptic' }, 400],
      [{ title: 'x', message: 'm', status: 'resolved' }, 400],
      [{ title: 'x', message: 'm', monitor_ids: [foreign.id] }, 400],
      [{ title: 'x', message: 'm', monitor_ids: [1, 1] }, 400],
      [{ title: 'x', message: 'm', status_page_ids: [999_999] }, 400],
    ];
    const before = await databaseFingerprint(t.db);
    for (const [payload, status] of bad) {
      const res = await inject({ method: 'POST', url: `/api/teams/${teamId}/incidents`, headers: bearer(admin), payload });
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    expect((await inject({ method: 'POST', url: `/api/teams/${teamId}/incidents`, headers: bearer(member), payload: { title: 'x', message: 'm' } })).statusCode).toBe(403);
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });

  it('keeps another team out (404)', async () => {
    const { teamId, admin } = await setup();
    const inc = (await inject({ method: 'POST', url: `/api/teams/${teamId}/incidents`, headers: bearer(admin), payload: { title: 'x', message: 'm' } })).json();
    const stranger = await createUser(t, 'Stranger');
    const otherTeam = await createTeam(t, stranger, 'business');
    expect((await inject({ method: 'GET', url: `/api/teams/${otherTeam}/incidents/${inc.id}`, headers: bearer(stranger) })).statusCode).toBe(404);
    expect((await inject({ method: 'POST', url: `/api/teams/${otherTeam}/incidents/${inc.id}/updates`, headers: bearer(stranger), payload: { status: 'resolved', message: 'x' } })).statusCode).toBe(404);
  });

  it('resolving an outage incident by hand closes its running outage; deleting a monitor resolves its incident', async () => {
    const { teamId, admin, monitor } = await setup();
    const started = new Date(Date.now() - 60_000);
    const res = await t.db.insertInto('incidents').values({ team_id: teamId, monitor_id: monitor.id, kind: 'auto', title: 'api is down', severity: 'critical', started_at: started }).executeTakeFirstOrThrow();
    const id = Number(res.insertId);
    await t.db.insertInto('monitor_outages').values({ monitor_id: monitor.id, team_id: teamId, incident_id: id, started_at: started }).execute();
    await inject({ method: 'POST', url: `/api/teams/${teamId}/incidents/${id}/updates`, headers: bearer(admin), payload: { status: 'resolved', message: 'manual' } });
    const outage = await t.db.selectFrom('monitor_outages').select('ended_at').where('monitor_id', '=', monitor.id).executeTakeFirstOrThrow();
    expect(outage.ended_at).not.toBeNull();

    const res2 = await t.db.insertInto('incidents').values({ team_id: teamId, monitor_id: monitor.id, kind: 'auto', title: 'api is down', severity: 'critical', started_at: new Date() }).executeTakeFirstOrThrow();
    await inject({ method: 'DELETE', url: `/api/teams/${teamId}/monitors/${monitor.id}`, headers: bearer(admin) });
    const after = await t.db.selectFrom('incidents').select(['status', 'resolved_at']).where('id', '=', Number(res2.insertId)).executeTakeFirstOrThrow();
    expect(after.status).toBe('resolved');
    expect(await eventTypes(Number(res2.insertId))).toEqual(['incident.resolved']);
  });

  it('answers what an automatic incident is about (cause); resolving a performance incident by hand touches no outage', async () => {
    const { teamId, admin, monitor } = await setup();
    const outageStart = new Date(Date.now() - 3_600_000);
    const old = await t.db.insertInto('monitor_outages').values({ monitor_id: monitor.id, team_id: teamId, started_at: outageStart, ended_at: new Date(outageStart.getTime() + 60_000) }).executeTakeFirstOrThrow();
    const res = await t.db
      .insertInto('incidents')
      .values({ team_id: teamId, monitor_id: monitor.id, kind: 'auto', cause: 'degraded', title: 'api is slow: 2,340 ms (threshold 1,000 ms)', severity: 'minor', started_at: new Date() })
      .executeTakeFirstOrThrow();
    const id = Number(res.insertId);
    // as the engine writes it: the automatic incident lists its monitor
    await t.db.insertInto('incident_monitors').values({ incident_id: id, monitor_id: monitor.id, team_id: teamId }).execute();
    const got = await inject({ method: 'GET', url: `/api/teams/${teamId}/incidents/${id}`, headers: bearer(admin) });
    expect(got.json()).toMatchObject({ kind: 'auto', cause: 'degraded', severity: 'minor' });
    const listed = await inject({ method: 'GET', url: `/api/teams/${teamId}/incidents?status=open&monitor_id=${monitor.id}`, headers: bearer(admin) });
    expect(listed.json().items.map((i: { id: number; cause: string }) => [i.id, i.cause])).toEqual([[id, 'degraded']]);
    const resolved = await inject({ method: 'POST', url: `/api/teams/${teamId}/incidents/${id}/updates`, headers: bearer(admin), payload: { status: 'resolved', message: 'CDN cache warmed' } });
    expect(resolved.json()).toMatchObject({ status: 'resolved', cause: 'degraded' });
    const outage = await t.db.selectFrom('monitor_outages').select('ended_at').where('id', '=', String(old.insertId)).executeTakeFirstOrThrow();
    expect(outage.ended_at!.getTime()).toBe(outageStart.getTime() + 60_000);
    // an automatic incident written before the cause column existed reads as an outage
    const legacy = await t.db.insertInto('incidents').values({ team_id: teamId, monitor_id: monitor.id, kind: 'auto', title: 'api is down', severity: 'critical', started_at: new Date() }).executeTakeFirstOrThrow();
    expect((await inject({ method: 'GET', url: `/api/teams/${teamId}/incidents/${Number(legacy.insertId)}`, headers: bearer(admin) })).json().cause).toBe('down');
  });
});

describe('maintenance windows', () => {
  it('creates, lists by phase and deletes; refuses bad windows without changes', async () => {
    const { teamId, admin, member, monitor } = await setup();
    const now = Date.now();
    const active = await inject({
      method: 'POST',
      url: `/api/teams/${teamId}/maintenance`,
      headers: bearer(admin),
      payload: { title: 'DB upgrade', starts_at: new Date(now - 60_000).toISOString(), ends_at: new Date(now + 3_600_000).toISOString(), monitor_ids: [monitor.id] },
    });
    expect(active.statusCode).toBe(201);
    expect(active.json().monitor_ids).toEqual([monitor.id]);
    const list = await inject({ method: 'GET', url: `/api/teams/${teamId}/maintenance?when=active`, headers: bearer(member) });
    expect(list.json().items.map((m: { id: number }) => m.id)).toEqual([active.json().id]);
    expect((await inject({ method: 'GET', url: `/api/teams/${teamId}/maintenance?when=past`, headers: bearer(member) })).json().items).toEqual([]);

    const before = await databaseFingerprint(t.db);
    const bad = [
      { title: 'x', starts_at: new Date(now).toISOString(), ends_at: new Date(now - 1000).toISOString(), monitor_ids: [monitor.id] },
      { title: 'x', starts_at: 'tomorrow', ends_at: new Date(now).toISOString(), monitor_ids: [monitor.id] },
      { title: 'x', starts_at: new Date(now).toISOString(), ends_at: new Date(now + 1000).toISOString(), monitor_ids: [] },
      { title: 'x', starts_at: new Date(now).toISOString(), ends_at: new Date(now + 1000).toISOString(), monitor_ids: [987_654] },
    ];
    for (const payload of bad) {
      const res = await inject({ method: 'POST', url: `/api/teams/${teamId}/maintenance`, headers: bearer(admin), payload });
      expect(res.statusCode).toBe(400);
    }
    expect((await inject({ method: 'POST', url: `/api/teams/${teamId}/maintenance`, headers: bearer(member), payload: bad[0] })).statusCode).toBe(403);
    expect(await databaseFingerprint(t.db)).toEqual(before);

    expect((await inject({ method: 'DELETE', url: `/api/teams/${teamId}/maintenance/${active.json().id}`, headers: bearer(admin) })).statusCode).toBe(204);
    expect((await inject({ method: 'GET', url: `/api/teams/${teamId}/maintenance/${active.json().id}`, headers: bearer(admin) })).statusCode).toBe(404);
  });
});
