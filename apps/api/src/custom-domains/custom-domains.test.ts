import { domainTxtValue } from '@sentrypulse/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, teamWithRoles, type TestApp } from '../../test/helpers';
import { databaseFingerprint } from '../../test/tables';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('custom domain verification, team side', () => {
  it('shows the TXT record to add, pending until the worker verifies it; another team cannot claim the same domain', async () => {
    const a = await teamWithRoles(t, 'business');
    const b = await teamWithRoles(t, 'business');
    const page = await t.app.inject({ method: 'POST', url: `/api/teams/${a.teamId}/status-pages`, headers: bearer(a.admin), payload: { slug: 'dom-a', title: 'A', is_public: true, custom_domain: 'status.a-corp.example' } });
    expect(page.statusCode).toBe(201);
    const id = page.json().id;
    const status = await t.app.inject({ method: 'GET', url: `/api/teams/${a.teamId}/status-pages/${id}/domain`, headers: bearer(a.member) });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ domain: 'status.a-corp.example', status: 'pending', txt_name: '_sentrypulse.status.a-corp.example', txt_value: domainTxtValue(t.config.encryptionKey, a.teamId, 'status.a-corp.example') });
    expect(status.json().expires_at).not.toBeNull();
    // Team B's token for the same domain is a different value: it could never verify A's claim.
    expect(domainTxtValue(t.config.encryptionKey, b.teamId, 'status.a-corp.example')).not.toBe(status.json().txt_value);

    const before = await databaseFingerprint(t.db);
    const steal = await t.app.inject({ method: 'POST', url: `/api/teams/${b.teamId}/status-pages`, headers: bearer(b.admin), payload: { slug: 'dom-b', title: 'B', is_public: true, custom_domain: 'status.a-corp.example' } });
    expect(steal.statusCode).toBe(409);
    expect(steal.headers['content-type']).toMatch(/problem\+json/);
    expect(await databaseFingerprint(t.db)).toEqual(before);

    const check = await t.app.inject({ method: 'POST', url: `/api/teams/${a.teamId}/status-pages/${id}/domain/verify`, headers: bearer(a.admin) });
    expect(check.statusCode).toBe(202);
    expect(check.json().last_checked_at).toBeNull();
    const denied = await t.app.inject({ method: 'POST', url: `/api/teams/${a.teamId}/status-pages/${id}/domain/verify`, headers: bearer(a.member) });
    expect(denied.statusCode).toBe(403);
  });

  it('"check now" on a page without a custom domain is a 400', async () => {
    const a = await teamWithRoles(t, 'business');
    const page = await t.app.inject({ method: 'POST', url: `/api/teams/${a.teamId}/status-pages`, headers: bearer(a.admin), payload: { slug: 'dom-none', title: 'N', is_public: true } });
    const res = await t.app.inject({ method: 'POST', url: `/api/teams/${a.teamId}/status-pages/${page.json().id}/domain/verify`, headers: bearer(a.admin) });
    expect(res.statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: `/api/teams/${a.teamId}/status-pages/${page.json().id}/domain`, headers: bearer(a.admin) })).json().status).toBe('none');
  });
});
