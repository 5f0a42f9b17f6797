import { performance } from 'node:perf_hooks';
import { pipeline, type Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import { Client, type Dispatcher } from 'undici';
import { createGuardedConnector, TlsVerificationError, type ConnectionInfo, type PeerCertificateInfo } from '../outbound';
import { evaluateJsonPath, jsonValueText, parseJsonPath, type JsonPathStep } from './json-path';
import { daysLeft, errorText, failure, noTimings, roundMs } from './result';
import { parseStatusRanges, statusMatches, type StatusRange } from './status-ranges';
import type { CheckResult, CheckTarget, RunCheckOptions } from './types';

export const MAX_REDIRECTS = 5;
/** Bytes of body read for keyword / JSON assertions; the rest is not downloaded. */
export const MAX_BODY_BYTES = 1024 * 1024;
const USER_AGENT = 'SentryPulse/1.0 (uptime monitor)';
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Connection-level headers are ours to set: a monitor cannot smuggle framing through them. */
const FORBIDDEN_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'expect', 'content-length', 'proxy-connection']);
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const quote = (s: string, max = 50) => `'${s.length > max ? `${s.slice(0, max)}…` : s}'`;

/** Validates user headers; returns an error text or the lower-cased header map. */
export function validateHeaders(input: Record<string, string> | undefined): string | Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(input ?? {})) {
    if (/[\r\n\0]/.test(name) || /[\r\n\0]/.test(String(value))) return `invalid header ${quote(name.replace(/[\r\n\0]/g, ' '))}: contains a line break`;
    if (!TOKEN.test(name)) return `invalid header name ${quote(name)}`;
    const lower = name.toLowerCase();
    if (FORBIDDEN_HEADERS.has(lower)) return `header ${quote(name)} is not allowed`;
    out[lower] = String(value);
  }
  return out;
}

interface Plan {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  ranges: StatusRange[];
  jsonSteps: JsonPathStep[] | null;
}

function plan(t: CheckTarget): string | Plan {
  let url: URL;
  try {
    url = new URL(t.url ?? '');
  } catch {
    return 'invalid URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `unsupported URL scheme ${url.protocol.replace(':', '')}`;
  const method = (t.method ?? 'GET').toUpperCase();
  if (!METHODS.has(method)) return `unsupported method ${quote(t.method ?? '')}`;
  const headers = validateHeaders(t.headers);
  if (typeof headers === 'string') return headers;
  let ranges: StatusRange[];
  let jsonSteps: JsonPathStep[] | null = null;
  try {
    ranges = parseStatusRanges(t.expected_status ?? '200-299');
    if (t.json_path) jsonSteps = parseJsonPath(t.json_path);
  } catch (err) {
    return (err as Error).message;
  }
  if (!Number.isFinite(t.timeout_ms) || t.timeout_ms <= 0) return 'invalid timeout';
  return { url, method, headers, body: method === 'HEAD' ? null : (t.body ?? null), ranges, jsonSteps };
}

function requestHeaders(url: URL, base: Record<string, string>, hasBody: boolean): Record<string, string> {
  const h: Record<string, string> = { 'user-agent': USER_AGENT, accept: '*/*', ...base };
  if (url.username && !h.authorization) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    h.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  if (!hasBody) delete h['content-type'];
  return h;
}

function decompressorFor(encoding: string | undefined): Transform | null {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return null;
  }
}

/**
 * Reads at most MAX_BODY_BYTES (after decompression, when the server compressed it because the
 * monitor sent Accept-Encoding), keeping the bytes only when asked. Stopping early destroys the
 * stream, so the rest is never downloaded and a compression bomb inflates 1 MB at most.
 */
async function readBody(res: Dispatcher.ResponseData, keep: boolean): Promise<{ text: string; truncated: boolean }> {
  const encoding = ([] as string[]).concat(res.headers['content-encoding'] ?? [])[0];
  const decompress = keep ? decompressorFor(encoding) : null;
  // pipeline (not pipe) so an aborted download also ends the decompressor's iteration.
  if (decompress) pipeline(res.body as unknown as Readable, decompress, () => undefined);
  const source: AsyncIterable<Buffer> = decompress ?? (res.body as AsyncIterable<Buffer>);
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of source) {
      size += chunk.length;
      if (keep) chunks.push(chunk);
      if (size > MAX_BODY_BYTES) {
        truncated = true;
        break;
      }
    }
  } catch (err) {
    if (decompress && (err as { code?: string }).code?.startsWith('Z_')) throw new BodyError(`invalid ${encoding} response body`);
    if (decompress && (err as { code?: string }).code?.startsWith('ERR_BROTLI')) throw new BodyError(`invalid ${encoding} response body`);
    throw err;
  } finally {
    if (decompress) {
      decompress.destroy();
      res.body.destroy();
    }
  }
  if (!keep) return { text: '', truncated };
  return { text: new TextDecoder().decode(Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES)), truncated };
}

/** A body that arrived but cannot be read (corrupt compression). Its message is the check error. */
class BodyError extends Error {}

function certFields(cert: PeerCertificateInfo | null): Pick<CheckResult, 'cert_expires_at' | 'cert_days_left'> {
  return cert ? { cert_expires_at: cert.validTo, cert_days_left: daysLeft(cert.validTo) } : { cert_expires_at: null, cert_days_left: null };
}

function timingsOf(info: ConnectionInfo | null, ttfb: number | null): CheckResult['timings'] {
  if (!info) return { ...noTimings(), ttfb: roundMs(ttfb) };
  return { dns: roundMs(info.timings.dns), connect: roundMs(info.timings.connect), tls: roundMs(info.timings.tls), ttfb: roundMs(ttfb) };
}

export async function runHttpCheck(t: CheckTarget, opts: RunCheckOptions): Promise<CheckResult> {
  const p = plan(t);
  if (typeof p === 'string') return failure(p);
  const timeoutMs = t.timeout_ms;
  const started = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let { url, method, headers, body } = p;
  let info: ConnectionInfo | null = null;
  let tlsFailureCert: PeerCertificateInfo | null = null;
  let redirects = 0;
  try {
    for (;;) {
      // A fresh connection per request (no pooling), so connect/TLS phases are real every time.
      const remaining = Math.max(1, timeoutMs - (performance.now() - started));
      const client = new Client(url.origin, {
        connect: createGuardedConnector({
          allowPrivate: opts.allowPrivate,
          testPublicAddresses: opts.testPublicAddresses,
          timeoutMs: remaining,
          verifyTls: !t.ignore_tls_errors,
          ca: opts.ca,
          onConnection: (i) => (info = i),
        }),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      info = null;
      try {
        const res = await client.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: method as Dispatcher.HttpMethod,
          headers: requestHeaders(url, headers, body !== null),
          body,
          signal: controller.signal,
        });
        const headersAt = performance.now();
        const connInfo = info as ConnectionInfo | null;
        const ttfb = connInfo ? headersAt - connInfo.readyAt : null;
        const location = ([] as string[]).concat(res.headers.location ?? [])[0];
        if (t.follow_redirects !== false && REDIRECTS.has(res.statusCode) && location !== undefined) {
          await res.body.dump().catch(() => undefined);
          if (redirects >= MAX_REDIRECTS) {
            return failure(`too many redirects (more than ${MAX_REDIRECTS})`, { status_code: res.statusCode, timings: timingsOf(connInfo, ttfb) });
          }
          let next: URL;
          try {
            next = new URL(location, url);
          } catch {
            return failure(`invalid redirect location ${quote(location)}`, { status_code: res.statusCode });
          }
          if (next.protocol !== 'http:' && next.protocol !== 'https:') {
            return failure(`redirect to unsupported URL scheme ${next.protocol.replace(':', '')}`, { status_code: res.statusCode });
          }
          // Browser semantics: 303 (and 301/302 after POST) continue as GET without a body.
          if (res.statusCode === 303 ? method !== 'HEAD' : (res.statusCode === 301 || res.statusCode === 302) && method === 'POST') {
            method = 'GET';
            body = null;
          }
          // Credentials the user configured for one origin are not handed to another.
          if (next.origin !== url.origin) {
            headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !CREDENTIAL_HEADERS.has(k)));
          }
          url = next;
          redirects += 1;
          continue;
        }
        return await evaluate(t, p, res, { info: connInfo, ttfb, started });
      } finally {
        client.destroy().catch(() => undefined);
      }
    }
  } catch (err) {
    if (err instanceof TlsVerificationError) tlsFailureCert = err.certificate;
    const text = controller.signal.aborted ? `timeout after ${timeoutMs} ms` : err instanceof BodyError ? err.message : errorText(err, timeoutMs);
    return failure(text, { timings: timingsOf(info, null), ...certFields(tlsFailureCert) });
  } finally {
    clearTimeout(timer);
  }
}

async function evaluate(
  t: CheckTarget,
  p: Plan,
  res: Dispatcher.ResponseData,
  m: { info: ConnectionInfo | null; ttfb: number | null; started: number },
): Promise<CheckResult> {
  const needText = Boolean(t.keyword) || p.jsonSteps !== null;
  const { text, truncated } = await readBody(res, needText);
  const responseTime = Math.round(performance.now() - m.started);
  const base: CheckResult = {
    status: 'up',
    status_code: res.statusCode,
    response_time_ms: responseTime,
    timings: timingsOf(m.info, m.ttfb),
    error: null,
    ...certFields(m.info?.certificate ?? null),
  };
  const down = (error: string): CheckResult => ({ ...base, status: 'down', error });

  if (!statusMatches(res.statusCode, p.ranges)) return down(`expected status ${t.expected_status ?? '200-299'}, got ${res.statusCode}`);
  if (t.keyword) {
    const found = text.includes(t.keyword);
    if (t.keyword_absent && found) return down(`keyword ${quote(t.keyword)} found`);
    if (!t.keyword_absent && !found) return down(`keyword ${quote(t.keyword)} not found`);
  }
  if (p.jsonSteps !== null) {
    if (truncated) return down('response too large for JSON assertion (over 1 MB)');
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return down('response is not valid JSON');
    }
    const r = evaluateJsonPath(doc, p.jsonSteps);
    if (!r.found) return down(`JSON path ${t.json_path} not found`);
    if (t.json_expected !== null && t.json_expected !== undefined) {
      const actual = jsonValueText(r.value);
      if (actual !== t.json_expected) return down(`JSON path ${t.json_path} is ${quote(actual)}, expected ${quote(t.json_expected)}`);
    }
  }

  const notes: string[] = [];
  let status: CheckResult['status'] = 'up';
  if (base.cert_days_left !== null && t.ssl_expiry_days !== null && t.ssl_expiry_days !== undefined && base.cert_days_left <= t.ssl_expiry_days) {
    notes.push(certificateNote(base.cert_days_left));
  }
  if (t.degraded_threshold_ms !== null && t.degraded_threshold_ms !== undefined && responseTime > t.degraded_threshold_ms) {
    status = 'degraded';
    notes.push(`response time ${responseTime} ms exceeds ${t.degraded_threshold_ms} ms`);
  }
  return { ...base, status, error: notes.length ? notes.join('; ') : null };
}

export function certificateNote(days: number): string {
  if (days < 0) return 'certificate has expired';
  if (days === 0) return 'certificate expires today';
  return `certificate expires in ${days} day${days === 1 ? '' : 's'}`;
}
