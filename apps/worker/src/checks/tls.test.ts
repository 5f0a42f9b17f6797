import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCheck } from './index';
import { createPki, startHttpsServer, type Pki, type TestServer } from './testing';

let pki: Pki;
const servers: TestServer[] = [];
async function serve(cert: { key: string; cert: string }) {
  const s = await startHttpsServer(cert);
  servers.push(s);
  return s;
}

beforeAll(() => {
  pki = createPki();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  pki.cleanup();
});

describe('https check: certificates', () => {
  it('a trusted certificate is up, with expiry and all four phases', async () => {
    const s = await serve(pki.leaf(90));
    const r = await runCheck({ type: 'http', url: `https://localhost:${s.port}/ok`, timeout_ms: 3000, ssl_expiry_days: 14 }, { allowPrivate: true, ca: pki.caCert });
    expect(r).toMatchObject({ status: 'up', status_code: 200, error: null, cert_days_left: 89 });
    expect(r.cert_expires_at).toBeInstanceOf(Date);
    expect(r.cert_expires_at!.getTime()).toBeGreaterThan(Date.now() + 89 * 86_400_000);
    expect(r.timings.dns).toBeGreaterThanOrEqual(0);
    expect(r.timings.connect).toBeGreaterThanOrEqual(0);
    expect(r.timings.tls).toBeGreaterThanOrEqual(0);
    expect(r.timings.ttfb).toBeGreaterThanOrEqual(0);
  });

  it('an IP-literal URL is matched against the IP SAN', async () => {
    const s = await serve(pki.leaf(90));
    expect(await runCheck({ type: 'http', url: `https://127.0.0.1:${s.port}/ok`, timeout_ms: 3000 }, { allowPrivate: true, ca: pki.caCert })).toMatchObject({ status: 'up' });
  });

  it('a certificate expiring within ssl_expiry_days keeps the check up and says so', async () => {
    const s = await serve(pki.leaf(3));
    const r = await runCheck({ type: 'http', url: `https://localhost:${s.port}/ok`, timeout_ms: 3000, ssl_expiry_days: 7 }, { allowPrivate: true, ca: pki.caCert });
    // openssl -days 3 ends 3 days from issue: seconds later that is 2 whole days left.
    expect(r).toMatchObject({ status: 'up', status_code: 200, cert_days_left: 2, error: 'certificate expires in 2 days' });
    const noWarn = await runCheck({ type: 'http', url: `https://localhost:${s.port}/ok`, timeout_ms: 3000, ssl_expiry_days: 1 }, { allowPrivate: true, ca: pki.caCert });
    expect(noWarn).toMatchObject({ status: 'up', error: null, cert_days_left: 2 });
  });

  it('a self-signed certificate is down with clear text, up when TLS errors are ignored', async () => {
    const s = await serve(pki.selfSigned(30));
    const r = await runCheck({ type: 'http', url: `https://localhost:${s.port}/ok`, timeout_ms: 3000 }, { allowPrivate: true });
    expect(r).toMatchObject({ status: 'down', status_code: null, error: 'certificate is self-signed', cert_days_left: 29 });
    expect(s.requests).toHaveLength(0); // nothing was sent over the untrusted connection
    const ignored = await runCheck({ type: 'http', url: `https://localhost:${s.port}/ok`, timeout_ms: 3000, ignore_tls_errors: true }, { allowPrivate: true });
    expect(ignored).toMatchObject({ status: 'up', status_code: 200, error: null, cert_days_left: 29 });
  });

  it('an expired certificate is down; ignored, it is up but still reported', async () => {
    const s = await serve(pki.leaf(-1));
    const r = await runCheck({ type: 'http', url: `https://localhost:${s.port}/ok`, timeout_ms: 3000, ssl_expiry_days: 14 }, { allowPrivate: true, ca: pki.caCert });
    expect(r).toMatchObject({ status: 'down', error: 'certificate has expired' });
    expect(r.cert_days_left).toBeLessThan(0);
    const ignored = await runCheck(
      { type: 'http', url: `https://localhost:${s.port}/ok`, timeout_ms: 3000, ssl_expiry_days: 14, ignore_tls_errors: true },
      { allowPrivate: true, ca: pki.caCert },
    );
    expect(ignored).toMatchObject({ status: 'up', error: 'certificate has expired' });
  });

  it('a certificate for another name is down', async () => {
    const s = await serve(pki.leaf(90, 'DNS:other.example'));
    const r = await runCheck({ type: 'http', url: `https://localhost:${s.port}/ok`, timeout_ms: 3000 }, { allowPrivate: true, ca: pki.caCert });
    expect(r).toMatchObject({ status: 'down', error: 'certificate does not match the host name' });
  });

  it('an untrusted issuer is down', async () => {
    const s = await serve(pki.leaf(90));
    const r = await runCheck({ type: 'http', url: `https://localhost:${s.port}/ok`, timeout_ms: 3000 }, { allowPrivate: true });
    expect(r).toMatchObject({ status: 'down', error: 'certificate is not trusted (unknown issuer or incomplete chain)' });
  });

  it('a server that accepts TCP but never completes the TLS handshake times out', async () => {
    let closedByClient = false;
    // resume(): read (and ignore) the ClientHello so the client's close is noticed.
    const silent = createServer((sock) => sock.resume().on('close', () => (closedByClient = true)));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const t0 = Date.now();
    const r = await runCheck({ type: 'http', url: `https://127.0.0.1:${port}/`, timeout_ms: 300 }, { allowPrivate: true });
    expect(r).toMatchObject({ status: 'down', error: 'timeout after 300 ms' });
    expect(Date.now() - t0).toBeLessThan(2000);
    await vi.waitFor(() => expect(closedByClient).toBe(true)); // the half-open connection was not leaked
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('plain HTTP spoken to a TLS port fails the handshake cleanly', async () => {
    const s = await serve(pki.leaf(90));
    const r = await runCheck({ type: 'http', url: `http://127.0.0.1:${s.port}/ok`, timeout_ms: 1000 }, { allowPrivate: true });
    expect(r).toMatchObject({ status: 'down', error: 'connection closed by server' });
  });
});
