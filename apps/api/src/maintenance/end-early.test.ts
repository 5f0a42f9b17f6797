import { maintenanceNotices } from '@sentrypulse/worker/testing';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, teamWithRoles, type TestApp } from '../../test/helpers';
import { databaseFingerprint } from '../../test/tables';

// Finishing a maintenance early: "End now" sets its end to now, so suppression stops and the
// subscribers who were told it started are told it completed (the sweep's next run). Deleting is
// for a window scheduled by mistake and tells nobody.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
const inject = (opts: InjectOptions) => t.app.inject(opts);

async function pageWithSubscriber(teamId: number, monitorId: number) {
  const page = await t.db.insertInto('status_pages').values({ team_id: teamId, slug: `end-${teamId}`, title: 'End', is_public: true }).executeTakeFirstOrThrow();
  const pageId = Number(page.insertId);
  await t.db.insertInto('status_page_components').values({ status_page_id: pageId, monitor_id: monitorId, display_name: 'API', position: 0 }).execute();
  const address = `sub${teamId}@example.test`;
  await t.db
    .insertInto('status_page_subscribers')
    .values({ team_id: teamId, status_page_id: pageId, type: 'email', status: 'active', address, address_hash: address.padEnd(64, '0'), token_nonce: address.padEnd(22, 'n').slice(0, 22), component_ids: null })
    .execute();
}

describe('ending a maintenance window early', () => {
  it('ends it now: it lists as past, and the sweep tells subscribers it completed, after "started"', async () => {
    const { teamId, admin, member } = await teamWithRoles(t);
    const monitor = (await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(admin), payload: { name: 'api', type: 'http', url: 'https://example.com', interval_seconds: 60 } })).json();
    await pageWithSubscriber(teamId, monitor.id);
    const now = Date.now();
    const created = await inject({
      method: 'POST',
      url: `/api/teams/${teamId}/maintenance`,
      headers: bearer(admin),
      payload: { title: 'DB upgrade', starts_at: new Date(now - 60_000).toISOString(), ends_at: new Date(now + 3_600_000).toISOString(), monitor_ids: [monitor.id] },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as number;
    const kinds = async () => (await t.db.selectFrom('subscriber_notices').select('kind').where('maintenance_id', '=', id).orderBy('id').execute()).map((n) => n.kind);
    await maintenanceNotices(t.db, new Date());
    expect(await kinds()).toEqual(['maintenance.started']);

    // A member cannot end it; nothing changes.
    const before = await databaseFingerprint(t.db);
    const refused = await inject({ method: 'POST', url: `/api/teams/${teamId}/maintenance/${id}/end`, headers: bearer(member) });
    expect(refused.statusCode).toBe(403);
    expect(await databaseFingerprint(t.db)).toEqual(before);

    const ended = await inject({ method: 'POST', url: `/api/teams/${teamId}/maintenance/${id}/end`, headers: bearer(admin) });
    expect(ended.statusCode, ended.body).toBe(200);
    const endsAt = Date.parse(ended.json().ends_at as string);
    expect(endsAt).toBeGreaterThanOrEqual(now);
    expect(endsAt).toBeLessThanOrEqual(Date.now());
    const past = await inject({ method: 'GET', url: `/api/teams/${teamId}/maintenance?when=past`, headers: bearer(admin) });
    expect(past.json().items.map((m: { id: number }) => m.id)).toEqual([id]);

    await maintenanceNotices(t.db, new Date(Date.now() + 1_000));
    expect(await kinds()).toEqual(['maintenance.started', 'maintenance.ended']);

    // Once ended it cannot end again: a 409 that says so, and nothing changes.
    const again = await inject({ method: 'POST', url: `/api/teams/${teamId}/maintenance/${id}/end`, headers: bearer(admin) });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.json().detail).toBe('This maintenance window has already ended.');
    expect(Date.parse((await inject({ method: 'GET', url: `/api/teams/${teamId}/maintenance/${id}`, headers: bearer(admin) })).json().ends_at as string)).toBe(endsAt);
  });

  it('refuses to end a window that has not started (409, delete it instead) or is unknown (404), changing nothing', async () => {
    const { teamId, admin } = await teamWithRoles(t);
    const monitor = (await inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: bearer(admin), payload: { name: 'api', type: 'http', url: 'https://example.com', interval_seconds: 60 } })).json();
    const now = Date.now();
    const upcoming = await inject({
      method: 'POST',
      url: `/api/teams/${teamId}/maintenance`,
      headers: bearer(admin),
      payload: { title: 'Later', starts_at: new Date(now + 3_600_000).toISOString(), ends_at: new Date(now + 7_200_000).toISOString(), monitor_ids: [monitor.id] },
    });
    const before = await databaseFingerprint(t.db);
    const early = await inject({ method: 'POST', url: `/api/teams/${teamId}/maintenance/${upcoming.json().id as number}/end`, headers: bearer(admin) });
    expect(early.statusCode).toBe(409);
    expect(early.json().detail).toBe('This maintenance window has not started; delete it instead.');
    const unknown = await inject({ method: 'POST', url: `/api/teams/${teamId}/maintenance/987654/end`, headers: bearer(admin) });
    expect(unknown.statusCode).toBe(404);
    const bad = await inject({ method: 'POST', url: `/api/teams/${teamId}/maintenance/abc/end`, headers: bearer(admin) });
    expect(bad.statusCode).toBe(400);
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });
});
