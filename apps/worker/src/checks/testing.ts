/**
 * Real local peers for the check and guard tests: an HTTP(S) server with scripted routes, a DNS
 * server on a UDP port, certificates made with the openssl CLI. Everything listens on 127.0.0.1
 * port 0. Not imported by production code.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import dns2 from 'dns2';

export interface TestServer {
  url: string;
  port: number;
  /** Requests received, in order: method, path, headers, body. */
  requests: { method: string; path: string; headers: IncomingMessage['headers']; body: string }[];
  /** TCP connections accepted (a refused-before-connect target must show 0). */
  connections: number;
  close(): Promise<void>;
}

/** Where a test server listens: 127.0.0.1 and a free port unless told (e.g. 127.0.0.2, same port). */
export interface ListenAt {
  host?: string;
  port?: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string, url: URL) => void;

/** Routes shared by the HTTP and HTTPS servers. */
export function defaultRoutes(self: () => TestServer): Handler {
  return (req, res, body, url) => {
    const p = url.pathname;
    if (p === '/ok') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('all systems OK here');
    if (p.startsWith('/status/')) return void res.writeHead(Number(p.slice(8))).end(`status ${p.slice(8)}`);
    if (p === '/slow') {
      const t = setTimeout(() => res.writeHead(200).end('slow OK'), Number(url.searchParams.get('ms') ?? 200));
      res.on('close', () => clearTimeout(t));
      return;
    }
    if (p === '/hang') return; // never answers
    if (p.startsWith('/chain/')) {
      const n = Number(p.slice(7));
      return void res.writeHead(302, { location: n <= 1 ? '/ok' : `/chain/${n - 1}` }).end();
    }
    if (p === '/loop') return void res.writeHead(301, { location: '/loop' }).end();
    if (p === '/to') return void res.writeHead(Number(url.searchParams.get('code') ?? 302), { location: url.searchParams.get('url') ?? '/' }).end();
    if (p === '/json')
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'ok', version: 3, healthy: true, data: { items: [{ ok: true, name: 'db' }, { ok: false, name: 'cache' }] }, 'content-type': 'x' }));
    if (p === '/not-json') return void res.writeHead(200).end('<html>nope</html>');
    if (p === '/big') {
      // 2 MB of filler, then a marker past the 1 MB read limit.
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('START ');
      res.write('x'.repeat(2 * 1024 * 1024));
      return void res.end(' LATE-MARKER');
    }
    if (p === '/gzip') {
      const enc = url.searchParams.get('enc') ?? 'gzip';
      const plain = Buffer.from(url.searchParams.get('text') ?? '{"status":"compressed ok"}');
      const packed = enc === 'br' ? brotliCompressSync(plain) : enc === 'deflate' ? deflateSync(plain) : enc === 'broken' ? Buffer.from('not gzip at all') : gzipSync(plain);
      return void res.writeHead(200, { 'content-encoding': enc === 'broken' ? 'gzip' : enc }).end(packed);
    }
    if (p === '/gzip-bomb') {
      // 8 MB of zeros compresses to ~8 KB: the reader must stop at 1 MB of output.
      return void res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(8 * 1024 * 1024)));
    }
    if (p === '/echo') {
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, headers: req.headers, body }));
    }
    void self;
    res.writeHead(404).end('not found');
  };
}

function listen(server: Server, state: TestServer, protocol: 'http' | 'https', at: ListenAt = {}): Promise<TestServer> {
  const host = at.host ?? '127.0.0.1';
  server.on('connection', () => (state.connections += 1));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port ?? 0, host, () => {
      const port = (server.address() as AddressInfo).port;
      state.port = port;
      state.url = `${protocol}://${host}:${port}`;
      resolve(state);
    });
  });
}

function wire(handler: Handler, state: TestServer) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://x');
      state.requests.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, headers: req.headers, body });
      handler(req, res, body, url);
    });
  };
}

function closer(server: Server) {
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

export async function startHttpServer(handler?: Handler, at?: ListenAt): Promise<TestServer> {
  const state = { url: '', port: 0, requests: [], connections: 0 } as unknown as TestServer;
  const server = createHttpServer(wire(handler ?? defaultRoutes(() => state), state));
  state.close = closer(server);
  return listen(server, state, 'http', at);
}

export async function startHttpsServer(cert: { key: string; cert: string }, handler?: Handler): Promise<TestServer> {
  const state = { url: '', port: 0, requests: [], connections: 0 } as unknown as TestServer;
  const server = createHttpsServer({ key: cert.key, cert: cert.cert }, wire(handler ?? defaultRoutes(() => state), state));
  state.close = closer(server);
  return listen(server, state, 'https');
}

export interface Pki {
  caCert: string;
  /** A leaf signed by the test CA, valid `days` (may be -1: expired yesterday), for the given SANs. */
  leaf(days: number, san?: string): { key: string; cert: string };
  /** A self-signed leaf (its own issuer). */
  selfSigned(days: number, san?: string): { key: string; cert: string };
  cleanup(): void;
}

/** A throwaway CA made with the openssl CLI (EC P-256 keys: fast to generate). */
export function createPki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'sp-pki-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', '/CN=SentryPulse Test CA');
  let n = 0;
  return {
    caCert: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    leaf(days, san = 'DNS:localhost,IP:127.0.0.1') {
      n += 1;
      writeFileSync(join(dir, `ext${n}.cnf`), `subjectAltName=${san}\n`);
      run('req', ...ec, '-keyout', `l${n}.key`, '-out', `l${n}.csr`, '-subj', '/CN=localhost');
      run('x509', '-req', '-in', `l${n}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', String(days), '-extfile', `ext${n}.cnf`, '-out', `l${n}.crt`);
      return { key: readFileSync(join(dir, `l${n}.key`), 'utf8'), cert: readFileSync(join(dir, `l${n}.crt`), 'utf8') };
    },
    selfSigned(days, san = 'DNS:localhost,IP:127.0.0.1') {
      n += 1;
      run('req', '-x509', ...ec, '-keyout', `s${n}.key`, '-out', `s${n}.crt`, '-days', String(days), '-subj', '/CN=localhost', '-addext', `subjectAltName=${san}`);
      return { key: readFileSync(join(dir, `s${n}.key`), 'utf8'), cert: readFileSync(join(dir, `s${n}.crt`), 'utf8') };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export type DnsZone = Record<string, Partial<Record<'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT' | 'NS', unknown[]>>>;

export interface TestDnsServer {
  server: string;
  queries: { name: string; type: number }[];
  close(): Promise<void>;
}

/**
 * An authoritative-only DNS server on 127.0.0.1 (UDP). Unknown names answer NXDOMAIN,
 * 'servfail.test' answers SERVFAIL, 'silent.test' never answers (timeouts).
 */
export async function startDnsServer(zone: DnsZone): Promise<TestDnsServer> {
  const { Packet } = dns2;
  const queries: TestDnsServer['queries'] = [];
  const server = dns2.createUDPServer((request, send) => {
    const response = Packet.createResponseFromRequest(request);
    const q = request.questions[0] as unknown as { name: string; type: number };
    queries.push({ name: q.name, type: q.type });
    const name = q.name.toLowerCase();
    if (name === 'silent.test') return;
    if (name === 'servfail.test') {
      response.header.rcode = 2;
      return void send(response);
    }
    const records = zone[name];
    if (!records) {
      response.header.rcode = 3;
      return void send(response);
    }
    const typeName = (Object.keys(Packet.TYPE) as (keyof typeof Packet.TYPE)[]).find((k) => Packet.TYPE[k] === q.type);
    for (const r of (records as Record<string, unknown[] | undefined>)[typeName ?? ''] ?? []) {
      const base = { name: q.name, type: q.type, class: Packet.CLASS.IN, ttl: 60 };
      if (typeName === 'A' || typeName === 'AAAA') response.answers.push({ ...base, address: r as string } as never);
      else if (typeName === 'CNAME') response.answers.push({ ...base, domain: r as string } as never);
      else if (typeName === 'NS') response.answers.push({ ...base, ns: r as string } as never);
      else if (typeName === 'TXT') response.answers.push({ ...base, data: r as string } as never);
      else if (typeName === 'MX') {
        const [priority, exchange] = r as [number, string];
        response.answers.push({ ...base, priority, exchange } as never);
      }
    }
    send(response);
  });
  await server.listen(0, '127.0.0.1');
  const port = (server.address() as AddressInfo).port;
  return {
    server: `127.0.0.1:${port}`,
    queries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
