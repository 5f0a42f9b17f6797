/**
 * The SSRF guard against a first hop that looks public (SPEC 4.2 / 8, ADRs 0040 and 0041), with
 * OUTBOUND_ALLOW_PRIVATE=false. Nothing public routes to this machine, so the "public" peer listens
 * on the loopback alias 127.0.0.2, which these tests (and only they: `testPublicAddresses` is not a
 * configuration variable) classify as public. The private peer listens on 127.0.0.1 on the same
 * port, so any request or connection that reaches it shows up in its counters. Host names are
 * answered by a stand-in for the system resolver (both `dns.lookup` and `dns.promises.lookup`), so
 * a second resolution anywhere, by the guard or by Node's connect, would be seen and answered.
 */
import dns, { type LookupAddress } from 'node:dns';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGuardedDispatcher } from '../outbound';
import { runCheck } from './index';
import { startHttpServer, type TestServer } from './testing';
import type { CheckTarget, RunCheckOptions } from './types';

const PUBLIC_ALIAS = '127.0.0.2';
const strict: RunCheckOptions = { allowPrivate: false, testPublicAddresses: [PUBLIC_ALIAS] };

let publicPeer: TestServer;
let privatePeer: TestServer;
let port: number;

beforeAll(async () => {
  privatePeer = await startHttpServer();
  port = privatePeer.port;
  publicPeer = await startHttpServer(undefined, { host: PUBLIC_ALIAS, port });
});
afterAll(async () => {
  await publicPeer.close();
  await privatePeer.close();
});

/**
 * Answers each name from its list of answers, one per lookup (the last one repeats), and counts
 * lookups per name. Names not listed do not resolve.
 */
function fakeResolver(answers: Record<string, string[]>) {
  const calls = new Map<string, number>();
  const answer = (host: string): LookupAddress[] | null => {
    const list = answers[host];
    if (!list) return null;
    const n = calls.get(host) ?? 0;
    calls.set(host, n + 1);
    return [{ address: list[Math.min(n, list.length - 1)]!, family: 4 }];
  };
  const notFound = (host: string) => Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  vi.spyOn(dns.promises, 'lookup').mockImplementation((async (host: string) => {
    const found = answer(host);
    if (!found) throw notFound(host);
    return found;
  }) as unknown as typeof dns.promises.lookup);
  vi.spyOn(dns, 'lookup').mockImplementation(((host: string, options: unknown, callback?: unknown) => {
    const cb = (typeof options === 'function' ? options : callback) as (err: Error | null, address?: string | LookupAddress[], family?: number) => void;
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
    const found = answer(host);
    process.nextTick(() => (found ? (all ? cb(null, found) : cb(null, found[0]!.address, 4)) : cb(notFound(host))));
  }) as unknown as typeof dns.lookup);
  return { lookups: (host: string) => calls.get(host) ?? 0 };
}

afterEach(() => {
  vi.restoreAllMocks();
  // Every test asserts the private peer saw nothing (or resets after the one that lets it in).
  privatePeer.requests.length = 0;
  privatePeer.connections = 0;
});

const http = (url: string, extra: Partial<CheckTarget> = {}): CheckTarget => ({ type: 'http', url, timeout_ms: 3000, ...extra });

describe('a public-looking first hop that redirects to a private address', () => {
  it('the setup: the public alias is reachable by name, 127.0.0.1 stays refused under the same policy', async () => {
    fakeResolver({ 'status.example.com': [PUBLIC_ALIAS] });
    const before = publicPeer.requests.length;
    const up = await runCheck(http(`http://status.example.com:${port}/ok`), strict);
    expect(up).toMatchObject({ status: 'up', status_code: 200 });
    expect(publicPeer.requests.length - before).toBe(1);
    const direct = await runCheck(http(`http://127.0.0.1:${port}/ok`), strict);
    expect(direct).toMatchObject({ status: 'down', error: 'blocked: 127.0.0.1 is a loopback address' });
    expect(privatePeer.connections).toBe(0);
  });

  it.each([
    [`http://127.0.0.1:PORT/ok`, 'blocked: 127.0.0.1 is a loopback address'],
    [`http://10.0.0.1:PORT/ok`, 'blocked: 10.0.0.1 is a private address'],
    [`http://10.200.3.4:PORT/ok`, 'blocked: 10.200.3.4 is a private address'],
    [`http://192.168.1.20:PORT/ok`, 'blocked: 192.168.1.20 is a private address'],
    [`http://[::ffff:127.0.0.1]:PORT/ok`, 'blocked: 127.0.0.1 is a loopback address'],
    [`http://[::ffff:192.168.0.1]:PORT/ok`, 'blocked: 192.168.0.1 is a private address'],
    [`http://intranet.example.com:PORT/ok`, 'blocked: 10.1.2.3 is a private address'],
  ])('follows the redirect to %s and refuses it before connecting', async (location, error) => {
    fakeResolver({ 'status.example.com': [PUBLIC_ALIAS], 'intranet.example.com': ['10.1.2.3'] });
    const to = location.replace('PORT', String(port));
    const before = publicPeer.requests.length;
    const r = await runCheck(http(`http://status.example.com:${port}/to?url=${encodeURIComponent(to)}`), strict);
    // The first hop was answered (the 302 came from the public peer), the second was refused by
    // the guard: a timeout or "connection refused" here would mean it tried to connect.
    expect(publicPeer.requests.slice(before).map((q) => q.path)).toEqual([`/to?url=${encodeURIComponent(to)}`]);
    expect(r).toMatchObject({ status: 'down', error, status_code: null });
    expect(privatePeer.connections).toBe(0);
  });

  it('the same redirect reaches the private peer when OUTBOUND_ALLOW_PRIVATE=true (so the refusal above is the guard)', async () => {
    fakeResolver({ 'status.example.com': [PUBLIC_ALIAS] });
    const to = `http://127.0.0.1:${port}/ok`;
    const r = await runCheck(http(`http://status.example.com:${port}/to?url=${encodeURIComponent(to)}`), { ...strict, allowPrivate: true });
    expect(r).toMatchObject({ status: 'up', status_code: 200 });
    expect(privatePeer.requests.map((q) => q.path)).toEqual(['/ok']);
  });
});

describe('DNS rebinding: public when checked, private when asked again', () => {
  const REBIND = 'rebind.example.com';
  const answers = { [REBIND]: [PUBLIC_ALIAS, '127.0.0.1'] };

  it('an http check resolves once and connects to the checked address', async () => {
    const dnsAnswers = fakeResolver(answers);
    const before = publicPeer.requests.length;
    const r = await runCheck(http(`http://${REBIND}:${port}/ok`), strict);
    expect(r).toMatchObject({ status: 'up', status_code: 200 });
    expect(dnsAnswers.lookups(REBIND)).toBe(1);
    expect(publicPeer.requests.length - before).toBe(1);
    expect(privatePeer.connections).toBe(0);
    // The next connection asks again, gets the private answer, and is refused before connecting.
    const again = await runCheck(http(`http://${REBIND}:${port}/ok`), strict);
    expect(again).toMatchObject({ status: 'down', error: 'blocked: 127.0.0.1 is a loopback address' });
    expect(privatePeer.connections).toBe(0);
  });

  it('a redirect back to the same name is a new connection: resolved again, and refused', async () => {
    const dnsAnswers = fakeResolver(answers);
    const r = await runCheck(http(`http://${REBIND}:${port}/to?url=/ok`), strict);
    expect(r).toMatchObject({ status: 'down', error: 'blocked: 127.0.0.1 is a loopback address' });
    expect(dnsAnswers.lookups(REBIND)).toBe(2);
    expect(privatePeer.connections).toBe(0);
  });

  it('a tcp check connects to the checked address', async () => {
    const dnsAnswers = fakeResolver(answers);
    const before = publicPeer.connections;
    const r = await runCheck({ type: 'tcp', host: REBIND, port, timeout_ms: 3000 }, strict);
    expect(r).toMatchObject({ status: 'up', error: null });
    expect(dnsAnswers.lookups(REBIND)).toBe(1);
    expect(publicPeer.connections - before).toBe(1);
    expect(privatePeer.connections).toBe(0);
  });

  it('the guarded dispatcher (webhooks, Telegram, WhatsApp) connects to the checked address', async () => {
    const dnsAnswers = fakeResolver(answers);
    const dispatcher = createGuardedDispatcher(strict);
    try {
      const res = await request(`http://${REBIND}:${port}/ok`, { dispatcher });
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe('all systems OK here');
      expect(dnsAnswers.lookups(REBIND)).toBe(1);
      expect(privatePeer.connections).toBe(0);
    } finally {
      await dispatcher.close();
    }
  });

  it('private first, public second: refused, and the public answer is never asked for', async () => {
    const dnsAnswers = fakeResolver({ [REBIND]: ['127.0.0.1', PUBLIC_ALIAS] });
    const before = publicPeer.connections;
    const r = await runCheck(http(`http://${REBIND}:${port}/ok`), strict);
    expect(r).toMatchObject({ status: 'down', error: 'blocked: 127.0.0.1 is a loopback address' });
    expect(dnsAnswers.lookups(REBIND)).toBe(1);
    expect(publicPeer.connections).toBe(before);
    expect(privatePeer.connections).toBe(0);
  });
});
