import net, { type AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPki, startHttpServer, startHttpsServer, type Pki, type TestServer } from '../checks/testing';
import { closeGuardedRequests, createGuardedDispatcher, createGuardedLookup, ForbiddenAddressError, guardedRequest, readBodyText, resolveGuarded, UnresolvableHostError } from './index';

let srv: TestServer;
let tlsSrv: TestServer;
let pki: Pki;

beforeAll(async () => {
  pki = createPki();
  srv = await startHttpServer();
  tlsSrv = await startHttpsServer(pki.selfSigned(30));
});
afterAll(async () => {
  await closeGuardedRequests();
  await srv.close();
  await tlsSrv.close();
  pki.cleanup();
});

describe('guardedRequest (webhooks, Telegram, WhatsApp)', () => {
  it('sends a POST and returns the response', async () => {
    const res = await guardedRequest(`${srv.url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' }, body: '{"a":1}' }, { allowPrivate: true });
    expect(res.status).toBe(200);
    const echoed = (await res.json()) as { method: string; body: string; headers: Record<string, string> };
    expect(echoed).toMatchObject({ method: 'POST', body: '{"a":1}' });
    expect(echoed.headers['webhook-id']).toBe('msg_1');
  });

  it('never follows redirects: the 3xx is the answer', async () => {
    const before = srv.requests.length;
    const res = await guardedRequest(`${srv.url}/chain/2`, { method: 'POST', body: 'x' }, { allowPrivate: true });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/chain/1');
    await res.body?.cancel();
    expect(srv.requests.length - before).toBe(1);
  });

  it.each([
    ['http://127.0.0.1/', 'blocked: 127.0.0.1 is a loopback address', false],
    ['http://2130706433/', 'blocked: 127.0.0.1 is a loopback address', false],
    ['http://0x7f000001/', 'blocked: 127.0.0.1 is a loopback address', false],
    ['http://0177.0.0.1/', 'blocked: 127.0.0.1 is a loopback address', false],
    ['http://[::ffff:127.0.0.1]/', 'blocked: 127.0.0.1 is a loopback address', false],
    ['http://[::1]/', 'blocked: ::1 is a loopback address', false],
    ['http://10.0.0.1/', 'blocked: 10.0.0.1 is a private address', false],
    ['https://192.168.1.20/hook', 'blocked: 192.168.1.20 is a private address', false],
    ['http://100.64.0.1/', 'blocked: 100.64.0.1 is a carrier-grade NAT address', false],
    ['http://169.254.169.254/latest/meta-data/', 'blocked: 169.254.169.254 is a cloud metadata address', true],
    ['http://[fd00:ec2::254]/', 'blocked: fd00:ec2::254 is a cloud metadata address', true],
    ['http://0.0.0.0/', 'blocked: 0.0.0.0 is an unspecified address', true],
    ['http://[::]/', 'blocked: :: is an unspecified address', true],
  ])('refuses %s', async (url, message, evenWithAllowPrivate) => {
    await expect(guardedRequest(url, { method: 'POST', body: 'x' }, { allowPrivate: false })).rejects.toBeInstanceOf(ForbiddenAddressError);
    await expect(guardedRequest(url, { method: 'POST', body: 'x' }, { allowPrivate: false })).rejects.toThrow(message);
    if (evenWithAllowPrivate) await expect(guardedRequest(url, {}, { allowPrivate: true })).rejects.toThrow(message);
  });

  it('refuses a host name that resolves to loopback', async () => {
    await expect(guardedRequest(`http://localhost:${srv.port}/ok`, {}, { allowPrivate: false })).rejects.toThrow(/^blocked: (127\.0\.0\.1|::1) is a loopback address$/);
  });

  it('refuses an unresolvable host with a clear error', async () => {
    const err = await guardedRequest('http://no-such-host.invalid/hook', {}, { allowPrivate: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnresolvableHostError);
    expect((err as Error).message).toBe('could not resolve host no-such-host.invalid');
  });

  it('readBodyText reads a bounded prefix of a large answer', async () => {
    const res = await guardedRequest(`${srv.url}/big`, {}, { allowPrivate: true });
    const text = await readBodyText(res, 1000);
    expect(text.length).toBe(1000);
    expect(text.startsWith('START ')).toBe(true);
    const small = await guardedRequest(`${srv.url}/ok`, {}, { allowPrivate: true });
    expect(await readBodyText(small)).toBe('all systems OK here');
  });

  it('refuses other schemes', async () => {
    await expect(guardedRequest('file:///etc/passwd', {}, { allowPrivate: true })).rejects.toThrow('unsupported URL scheme file');
  });

  it('times out', async () => {
    await expect(guardedRequest(`${srv.url}/hang`, { timeoutMs: 200 }, { allowPrivate: true })).rejects.toThrow('timeout after 200 ms');
  });

  it('verifies certificates (a self-signed receiver is refused)', async () => {
    const err = await guardedRequest(`https://localhost:${tlsSrv.port}/ok`, {}, { allowPrivate: true }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('certificate is self-signed');
    expect(tlsSrv.requests).toHaveLength(0);
  });
});

describe('createGuardedDispatcher', () => {
  it('works as an undici dispatcher and guards every connection', async () => {
    const open = createGuardedDispatcher({ allowPrivate: true });
    const strict = createGuardedDispatcher({ allowPrivate: false });
    try {
      const res = await request(`${srv.url}/ok`, { dispatcher: open });
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toContain('OK');
      await expect(request(`${srv.url}/ok`, { dispatcher: strict })).rejects.toThrow('blocked: 127.0.0.1 is a loopback address');
      await expect(request('http://169.254.169.254/', { dispatcher: open })).rejects.toThrow('blocked: 169.254.169.254 is a cloud metadata address');
    } finally {
      await open.close();
      await strict.close();
    }
  });
});

describe('guarded lookup', () => {
  it('resolves once and refuses when any address is forbidden', async () => {
    await expect(resolveGuarded('localhost', { allowPrivate: false })).rejects.toThrow(/is a loopback address/);
    const ok = await resolveGuarded('localhost', { allowPrivate: true });
    expect(ok.length).toBeGreaterThan(0);
    expect(ok.every((a) => a.address === '127.0.0.1' || a.address === '::1')).toBe(true);
    await expect(resolveGuarded('0x7f000001', { allowPrivate: false })).rejects.toThrow('blocked: 127.0.0.1 is a loopback address');
    await expect(resolveGuarded('nothing.invalid', { allowPrivate: true })).rejects.toThrow('could not resolve host nothing.invalid');
  });

  it('plugs into net.connect, with and without { all: true }', async () => {
    const lookup = createGuardedLookup({ allowPrivate: true });
    const strict = createGuardedLookup({ allowPrivate: false });
    const all = await new Promise<unknown>((resolve, reject) => lookup('localhost', { all: true }, (err, addrs) => (err ? reject(err) : resolve(addrs))));
    expect(Array.isArray(all)).toBe(true);
    const one = await new Promise<unknown>((resolve, reject) => lookup('localhost', { family: 4 }, (err, addr) => (err ? reject(err) : resolve(addr))));
    expect(one).toBe('127.0.0.1');
    const refused = await new Promise<Error | null>((resolve) => strict('localhost', { all: true }, (err) => resolve(err)));
    expect(refused?.message).toMatch(/loopback/);

    const port = srv.port;
    for (const autoSelectFamily of [true, false]) {
      const sock = net.connect({ host: 'localhost', port, lookup, autoSelectFamily, family: autoSelectFamily ? 0 : 4 });
      await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
      expect((sock.address() as AddressInfo).address).toMatch(/127\.0\.0\.1|::1/);
      sock.destroy();
      const bad = net.connect({ host: 'localhost', port, lookup: strict, autoSelectFamily });
      const err = await new Promise<Error>((resolve) => bad.once('error', resolve));
      expect(err.message).toMatch(/loopback/);
    }
  });
});
