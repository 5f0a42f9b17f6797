import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from './index';
import { startDnsServer, type TestDnsServer } from './testing';
import type { CheckTarget } from './types';

let dns: TestDnsServer;
const opts = () => ({ allowPrivate: false, dnsServers: [dns.server] });
const check = (host: string, dns_record_type: CheckTarget['dns_record_type'], dns_expected: string[] | null = null, extra: Partial<CheckTarget> = {}): CheckTarget => ({
  type: 'dns',
  host,
  dns_record_type,
  dns_expected,
  timeout_ms: 1000,
  ...extra,
});

beforeAll(async () => {
  dns = await startDnsServer({
    'example.test': {
      A: ['93.184.216.34', '93.184.216.35'],
      AAAA: ['2606:2800:220:1:248:1893:25c8:1946'],
      MX: [
        [10, 'mail.example.test'],
        [20, 'backup.example.test'],
      ],
      TXT: ['v=spf1 include:_spf.example.test ~all'],
      NS: ['ns1.example.test', 'ns2.example.test'],
    },
    'www.example.test': { CNAME: ['example.test'] },
    'empty.test': {},
    // Private answers are fine for a DNS check: no connection is made to them.
    'internal.test': { A: ['10.0.0.5'] },
  });
});
afterAll(() => dns.close());

describe('dns check', () => {
  it.each([
    ['A', ['93.184.216.35', '93.184.216.34']],
    ['A', ['93.184.216.34']],
    ['AAAA', ['2606:2800:220:1:248:1893:25C8:1946']],
    ['AAAA', ['2606:2800:0220:0001:0248:1893:25c8:1946']],
    ['MX', ['mail.example.test', 'BACKUP.example.test.']],
    ['MX', ['10 mail.example.test']],
    ['TXT', ['v=spf1 include:_spf.example.test ~all']],
    ['NS', ['NS2.example.test', 'ns1.example.test']],
  ] as const)('%s answers match %j (order- and case-insensitive)', async (type, expected) => {
    const r = await runCheck(check('example.test', type, [...expected]), opts());
    expect(r).toMatchObject({ status: 'up', error: null, status_code: null });
    expect(r.response_time_ms).toBeGreaterThanOrEqual(0);
    expect(r.timings.dns).toBe(r.response_time_ms);
  });

  it('CNAME answers match', async () => {
    expect(await runCheck(check('www.example.test', 'CNAME', ['Example.Test']), opts())).toMatchObject({ status: 'up' });
  });

  it('up with any answer when nothing is expected', async () => {
    expect(await runCheck(check('internal.test', 'A'), opts())).toMatchObject({ status: 'up', error: null });
  });

  it.each([
    ['A', ['1.2.3.4'], 'expected A 1.2.3.4, got 93.184.216.34, 93.184.216.35'],
    ['A', ['93.184.216.34', '1.2.3.4'], 'expected A 1.2.3.4, got 93.184.216.34, 93.184.216.35'],
    ['MX', ['30 mail.example.test'], 'expected MX 30 mail.example.test, got 10 mail.example.test, 20 backup.example.test'],
    ['TXT', ['V=SPF1 include:_spf.example.test ~all'], 'expected TXT V=SPF1 include:_spf.example.test ~all, got v=spf1 include:_spf.example.test ~all'],
    ['NS', ['ns3.example.test'], 'expected NS ns3.example.test, got ns1.example.test, ns2.example.test'],
  ] as const)('%s mismatch %j is down', async (type, expected, error) => {
    expect(await runCheck(check('example.test', type, [...expected]), opts())).toMatchObject({ status: 'down', error });
  });

  it('a name without records of that type is down', async () => {
    expect(await runCheck(check('empty.test', 'A'), opts())).toMatchObject({ status: 'down', error: 'no A records for empty.test' });
  });

  it('NXDOMAIN, SERVFAIL and silence have clear texts', async () => {
    expect(await runCheck(check('nope.test', 'A'), opts())).toMatchObject({ status: 'down', error: 'domain not found: nope.test' });
    expect(await runCheck(check('servfail.test', 'A'), opts())).toMatchObject({ status: 'down', error: 'DNS server failure (SERVFAIL)' });
    const t0 = Date.now();
    expect(await runCheck(check('silent.test', 'A', null, { timeout_ms: 300 }), opts())).toMatchObject({ status: 'down', error: 'timeout after 300 ms' });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('queries the configured server for the right name and type', async () => {
    const before = dns.queries.length;
    await runCheck(check('example.test', 'MX'), opts());
    expect(dns.queries.slice(before)).toEqual([{ name: 'example.test', type: 15 }]);
  });

  it('refuses bad input without querying', async () => {
    const before = dns.queries.length;
    expect(await runCheck(check('', 'A'), opts())).toMatchObject({ status: 'down', error: 'missing host' });
    expect(await runCheck(check('example.test', 'SRV' as never), opts())).toMatchObject({ status: 'down', error: 'unsupported record type SRV' });
    expect(await runCheck(check('example.test', 'A'), { allowPrivate: false, dnsServers: ['not-an-ip'] })).toMatchObject({ status: 'down', error: 'invalid DNS server configuration' });
    expect(dns.queries.length).toBe(before);
  });
});
