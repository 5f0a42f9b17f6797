import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, teamWithRoles, type TestApp } from '../../test/helpers';
import { insertMonitor } from '../public/fixtures';
import type { DemoContext } from './seed';
import { DEMO_STATUS_SLUG } from './status-page';
import { seedSubscribers } from './subscribers';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('demo subscribers', () => {
  it('adds confirmed and pending subscribers to the demo page, visible to the team and not to the public', async () => {
    const { teamId, owner, admin } = await teamWithRoles(t, 'business');
    const monitor = await insertMonitor(t.db, teamId, { status: 'up' });
    const page = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/status-pages`, headers: bearer(admin), payload: { slug: DEMO_STATUS_SLUG, title: 'Demo', is_public: true, components: [{ name: 'Database', monitor_id: monitor }] } });
    expect(page.statusCode).toBe(201);
    const ctx = { db: t.db, config: t.config, userId: owner.id, teamId, team: { id: teamId, role: 'owner', plan: 'business', ownerId: owner.id }, now: Date.now() } as unknown as DemoContext;
    await seedSubscribers(ctx);
    const list = await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/status-pages/${page.json().id}/subscribers`, headers: bearer(admin) });
    expect(list.json().counts).toEqual({ active: 3, pending: 1 });
    const dba = list.json().items.find((i: { email: string }) => i.email === 'dba@example.com');
    expect(dba.component_ids).toHaveLength(1);
    const pub = await t.app.inject({ method: 'GET', url: `/api/public/status-pages/${DEMO_STATUS_SLUG}` });
    expect(pub.body).not.toContain('example.com');
  });
});
