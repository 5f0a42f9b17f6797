import { domainTxtValue } from '@sentrypulse/db';
import { startDnsServer, type DnsZone, type TestDnsServer } from '@sentrypulse/worker/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, teamWithRoles, type TestApp } from '../../test/helpers';
import { databaseFingerprint } from '../../test/tables';

let t: TestApp;
let dns: TestDnsServer;
const zone: DnsZone = {};
beforeAll(async () => {
  dns = await startDnsServer(zone);
  t = await createTestApp({ DNS_SERVERS: dns.server });
});
afterAll(async () => {
  await t.close();
  await dns.close();
});

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

    // Check now, against a real local DNS server: no record, then another team's token → 400, nothing changed.
    const verify = () => t.app.inject({ method: 'POST', url: `/api/teams/${a.teamId}/status-pages/${id}/domain/verify`, headers: bearer(a.admin) });
    const before2 = await databaseFingerprint(t.db);
    const none = await verify();
    expect(none.statusCode).toBe(400);
    expect(none.json().detail).toMatch(/No TXT record could be read/);
    zone['_sentrypulse.status.a-corp.example'] = { TXT: [domainTxtValue(t.config.encryptionKey, b.teamId, 'status.a-corp.example')] };
    const foreign = await verify();
    expect(foreign.statusCode).toBe(400);
    expect(foreign.headers['content-type']).toMatch(/problem\+json/);
    expect(foreign.json().detail).toMatch(/not this team's/);
    expect(await databaseFingerprint(t.db)).toEqual(before2);
    expect((await t.app.inject({ method: 'GET', url: '/api/public/status-domains/status.a-corp.example' })).statusCode).toBe(404);
    // The team's own token: verified at once, and the domain serves the page.
    zone['_sentrypulse.status.a-corp.example'] = { TXT: ['v=spf1 -all', domainTxtValue(t.config.encryptionKey, a.teamId, 'status.a-corp.example')] };
    const ok = await verify();
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'verified', last_error: null });
    await new Promise((r) => setTimeout(r, 5_100)); // the public route's 5 s negative cache
    expect((await t.app.inject({ method: 'GET', url: '/api/public/status-domains/status.a-corp.example' })).json()).toEqual({ slug: 'dom-a' });
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
