import { domainTxtValue, findStatusPageByDomain } from '@sentrypulse/db';
import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type DnsZone, type TestDnsServer } from '../checks/testing';
import { createTeam } from '../monitoring/test-support';
import { checkDomains, txtResolver } from './domains';

/** Custom-domain verification against a real local DNS server (dns2 on 127.0.0.1). */
const KEY = randomBytes(32);
let database: TestDatabase;
let dns: TestDnsServer;
const zone: DnsZone = {};
const told: Array<{ to: string; domain: string }> = [];

beforeAll(async () => {
  database = await createTestDatabase('domains');
  dns = await startDnsServer(zone);
});
afterAll(async () => {
  await dns.close();
  await database.drop();
});

function deps() {
  return { db: database.db, encryptionKey: KEY, resolveTxt: txtResolver([dns.server]), tellOwner: async (to: string, domain: string) => void told.push({ to, domain }) };
}

async function page(teamId: number, domain: string): Promise<number> {
  const res = await database.db.insertInto('status_pages').values({ team_id: teamId, slug: `p-${randomBytes(3).toString('hex')}`, title: 'Acme', is_public: true, custom_domain: domain }).executeTakeFirstOrThrow();
  return Number(res.insertId);
}

const claim = (id: number) => database.db.selectFrom('custom_domain_claims').selectAll().where('status_page_id', '=', id).executeTakeFirstOrThrow();

describe('custom domain verification', () => {
  it('serves a domain only once its TXT record holds the team token; another team’s token does not verify', async () => {
    const mine = await createTeam(database.db);
    const other = await createTeam(database.db);
    const id = await page(mine, 'status.acme.test');
    let now = new Date();
    await checkDomains(deps(), now);
    expect((await claim(id)).status).toBe('pending');
    expect(await findStatusPageByDomain(database.db, 'status.acme.test')).toBeUndefined();

    zone['_sentrypulse.status.acme.test'] = { TXT: [domainTxtValue(KEY, other, 'status.acme.test')] };
    now = new Date(now.getTime() + 61_000);
    await checkDomains(deps(), now);
    expect(await claim(id)).toMatchObject({ status: 'pending', last_error: 'the TXT record holds a token that is not this team’s' });
    expect(await findStatusPageByDomain(database.db, 'status.acme.test')).toBeUndefined();

    zone['_sentrypulse.status.acme.test'] = { TXT: [domainTxtValue(KEY, mine, 'status.acme.test')] };
    now = new Date(now.getTime() + 61_000);
    expect((await checkDomains(deps(), now)).verified).toBe(1);
    expect((await claim(id)).status).toBe('verified');
    expect(await findStatusPageByDomain(database.db, 'status.acme.test')).toMatchObject({ team_id: mine });

    // Daily re-check: the record is gone → lost, not served, the owner told once.
    delete zone['_sentrypulse.status.acme.test'];
    now = new Date(now.getTime() + 86_400_000 + 1000);
    expect((await checkDomains(deps(), now)).lost).toBe(1);
    expect((await claim(id)).status).toBe('lost');
    expect(await findStatusPageByDomain(database.db, 'status.acme.test')).toBeUndefined();
    now = new Date(now.getTime() + 86_400_000 + 1000);
    await checkDomains(deps(), now);
    expect(told).toHaveLength(1);
    expect(told[0]!.domain).toBe('status.acme.test');
  });

  it('an unverified claim expires after a week and the page lets go of the domain', async () => {
    const team = await createTeam(database.db);
    const id = await page(team, 'squat.example.test');
    const now = new Date();
    await checkDomains(deps(), now);
    await checkDomains(deps(), new Date(now.getTime() + 7 * 86_400_000 + 60_000));
    const row = await database.db.selectFrom('status_pages').select('custom_domain').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.custom_domain).toBeNull();
    expect(await database.db.selectFrom('custom_domain_claims').select('status_page_id').where('status_page_id', '=', id).execute()).toEqual([]);
  });
});
