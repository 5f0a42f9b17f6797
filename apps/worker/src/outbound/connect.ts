import net from 'node:net';
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import type buildConnector from 'undici/types/connector';
import { ForbiddenAddressError, forbiddenReason, parseIpLiteral, type AddressPolicy } from './address';
import { replayLookup, resolveGuarded } from './lookup';

/** The peer certificate as the checks need it. */
export interface PeerCertificateInfo {
  validFrom: Date;
  validTo: Date;
  subject: string;
  issuer: string;
}

/** What one guarded connection measured; handed to `onConnection` before the socket is used. */
export interface ConnectionInfo {
  remoteAddress: string;
  remotePort: number;
  /** Milliseconds. dns is null for IP literals (no lookup), tls is null for plain TCP. */
  timings: { dns: number | null; connect: number; tls: number | null };
  /** performance.now() when the socket became usable (after TLS for https). */
  readyAt: number;
  certificate: PeerCertificateInfo | null;
}

export interface GuardedConnectOptions extends AddressPolicy {
  /** Budget for DNS + TCP + TLS in ms (default 10 000). */
  timeoutMs?: number;
  /** Refuse untrusted / expired / wrong-host certificates (default true). */
  verifyTls?: boolean;
  /** Extra trusted root certificates (PEM), added to Node's bundled roots. */
  ca?: string | string[];
  /** Measurement hook, called once per connection before it is handed over. */
  onConnection?: (info: ConnectionInfo) => void;
}

export class ConnectTimeoutError extends Error {
  readonly code = 'ERR_CONNECT_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`timeout after ${timeoutMs} ms`);
    this.name = 'ConnectTimeoutError';
  }
}

/** A TLS handshake that completed but did not pass verification; carries the certificate seen. */
export class TlsVerificationError extends Error {
  constructor(
    readonly code: string,
    readonly certificate: PeerCertificateInfo | null,
  ) {
    super(tlsErrorText(code));
    this.name = 'TlsVerificationError';
  }
}

/** Short human text for OpenSSL / Node verification codes. */
export function tlsErrorText(code: string): string {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'certificate is self-signed';
    case 'CERT_HAS_EXPIRED':
      return 'certificate has expired';
    case 'CERT_NOT_YET_VALID':
      return 'certificate is not yet valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'HOSTNAME_MISMATCH':
      return 'certificate does not match the host name';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'certificate is not trusted (unknown issuer or incomplete chain)';
    case 'CERT_REVOKED':
      return 'certificate has been revoked';
    default:
      return `certificate is not valid (${code})`;
  }
}

function certificateOf(socket: tls.TLSSocket): PeerCertificateInfo | null {
  const c = socket.getPeerCertificate();
  if (!c || !c.valid_to) return null;
  const name = (n: unknown) => {
    const cn = (n as { CN?: string | string[] } | undefined)?.CN;
    return Array.isArray(cn) ? cn.join(',') : (cn ?? '');
  };
  return { validFrom: new Date(c.valid_from), validTo: new Date(c.valid_to), subject: name(c.subject), issuer: name(c.issuer) };
}

/**
 * One SecureContext per CA set, built once: tls.connect would otherwise build a fresh context
 * (and, with `ca`, parse every root certificate) for each connection - ~17 ms of CPU per check.
 * Sharing the context does not resume sessions (that needs `session`), so each check still pays
 * a full handshake and its TLS phase is real.
 */
const contexts = new Map<string, tls.SecureContext>();
function secureContextFor(ca: string | string[] | undefined): tls.SecureContext {
  const extra = ca === undefined ? [] : Array.isArray(ca) ? ca : [ca];
  const key = extra.join('\n');
  let ctx = contexts.get(key);
  if (!ctx) {
    ctx = tls.createSecureContext(extra.length ? { ca: [...tls.rootCertificates, ...extra] } : {});
    if (contexts.size > 16) contexts.clear();
    contexts.set(key, ctx);
  }
  return ctx;
}

export interface ConnectTarget {
  hostname: string;
  port: number;
  /** 'https:' wraps the socket in TLS (SNI = hostname unless it is an IP literal). */
  protocol: 'http:' | 'https:' | 'tcp:';
}

/**
 * Opens a socket through the SSRF guard: resolves once (refusing if any address is forbidden),
 * connects to exactly those addresses (replayed lookup, no second query), then re-checks the
 * address actually connected to before anyone writes a byte. Measures DNS / connect / TLS.
 */
export function connectGuarded(target: ConnectTarget, opts: GuardedConnectOptions): Promise<{ socket: net.Socket; info: ConnectionInfo }> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const policy: AddressPolicy = { allowPrivate: opts.allowPrivate, testPublicAddresses: opts.testPublicAddresses };
  return new Promise((resolve, reject) => {
    let socket: net.Socket | tls.TLSSocket | undefined;
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new ConnectTimeoutError(timeoutMs)), timeoutMs);
    const t0 = performance.now();
    resolveGuarded(target.hostname, policy).then((addresses) => {
      if (settled) return;
      const isLiteral = parseIpLiteral(target.hostname) !== null;
      const tDns = performance.now();
      const dns = isLiteral ? null : tDns - t0;
      let tConnect = tDns;
      const common = {
        // A name goes through the replayed lookup (so happy eyeballs sees every checked address);
        // a literal connects to its canonical form (0x7f000001 -> 127.0.0.1), already checked.
        host: isLiteral ? addresses[0]!.address : target.hostname,
        port: target.port,
        lookup: replayLookup(addresses),
        autoSelectFamily: addresses.length > 1,
      };
      if (target.protocol === 'https:') {
        // SNI and the certificate host-name check use the name; IP literals are matched to IP SANs.
        const sni = isLiteral ? undefined : target.hostname;
        const tlsSocket = tls.connect({
          ...common,
          servername: sni,
          ALPNProtocols: ['http/1.1'],
          // Verification is done below so a failed handshake still reports the certificate.
          rejectUnauthorized: false,
          secureContext: secureContextFor(opts.ca),
        });
        socket = tlsSocket;
        tlsSocket.once('connect', () => (tConnect = performance.now()));
        tlsSocket.once('secureConnect', () => {
          const tReady = performance.now();
          const certificate = certificateOf(tlsSocket);
          if (opts.verifyTls !== false && !tlsSocket.authorized) {
            const code = String(tlsSocket.authorizationError ?? 'UNKNOWN');
            fail(new TlsVerificationError(code, certificate));
            return;
          }
          done(tlsSocket, { dns, connect: tConnect - tDns, tls: tReady - tConnect }, tReady, certificate);
        });
      } else {
        const plain = net.connect(common);
        socket = plain;
        plain.once('connect', () => {
          const tReady = performance.now();
          done(plain, { dns, connect: tReady - tDns, tls: null }, tReady, null);
        });
      }
      socket.once('error', fail);
    }, fail);

    function done(s: net.Socket, timings: ConnectionInfo['timings'], readyAt: number, certificate: PeerCertificateInfo | null) {
      if (settled) return;
      // Defence in depth: the IP the kernel actually connected to must pass the policy too.
      const remote = s.remoteAddress ?? '';
      const reason = forbiddenReason(remote, policy);
      if (reason !== null) {
        fail(new ForbiddenAddressError(remote, reason));
        return;
      }
      settled = true;
      clearTimeout(timer);
      s.removeListener('error', fail);
      s.setNoDelay(true);
      const info: ConnectionInfo = { remoteAddress: remote, remotePort: s.remotePort ?? target.port, timings, readyAt, certificate };
      opts.onConnection?.(info);
      resolve({ socket: s, info });
    }
  });
}

/** An undici `connect` function that opens every connection through `connectGuarded`. */
export function createGuardedConnector(opts: GuardedConnectOptions): buildConnector.connector {
  return (params, callback) => {
    const protocol = params.protocol === 'https:' ? 'https:' : 'http:';
    const port = Number(params.port) || (protocol === 'https:' ? 443 : 80);
    connectGuarded({ hostname: params.hostname, port, protocol }, opts).then(
      ({ socket }) => callback(null, socket),
      (err: Error) => callback(err, null),
    );
  };
}
