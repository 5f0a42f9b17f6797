import { Resolver } from 'node:dns/promises';
import { performance } from 'node:perf_hooks';
import ipaddr from 'ipaddr.js';
import { failure, noTimings } from './result';
import type { CheckResult, CheckTarget, RunCheckOptions } from './types';

type RecordType = NonNullable<CheckTarget['dns_record_type']>;
const TYPES: RecordType[] = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS'];

const normName = (s: string) => s.trim().toLowerCase().replace(/\.$/, '');
function normIp(s: string): string {
  const v = s.trim();
  return ipaddr.isValid(v) ? ipaddr.parse(v).toNormalizedString() : v.toLowerCase();
}

/** Answers as display text plus the keys an expected value may match. */
async function query(resolver: Resolver, host: string, type: RecordType): Promise<{ shown: string; keys: string[] }[]> {
  switch (type) {
    case 'A':
      return (await resolver.resolve4(host)).map((a) => ({ shown: a, keys: [normIp(a)] }));
    case 'AAAA':
      return (await resolver.resolve6(host)).map((a) => ({ shown: a, keys: [normIp(a)] }));
    case 'CNAME':
      return (await resolver.resolveCname(host)).map((n) => ({ shown: n, keys: [normName(n)] }));
    case 'NS':
      return (await resolver.resolveNs(host)).map((n) => ({ shown: n, keys: [normName(n)] }));
    case 'MX':
      // '10 mail.example.com' or just 'mail.example.com' both match.
      return (await resolver.resolveMx(host)).map((m) => ({
        shown: `${m.priority} ${m.exchange}`,
        keys: [normName(m.exchange), `${m.priority} ${normName(m.exchange)}`],
      }));
    case 'TXT':
      // A TXT record is several strings on the wire; users see (and expect) them joined. Case-sensitive.
      return (await resolver.resolveTxt(host)).map((chunks) => ({ shown: chunks.join(''), keys: [chunks.join('')] }));
  }
}

function expectedKey(type: RecordType, value: string): string {
  if (type === 'A' || type === 'AAAA') return normIp(value);
  if (type === 'TXT') return value;
  if (type === 'MX') {
    const m = /^\s*(\d+)\s+(\S+)\s*$/.exec(value);
    return m ? `${m[1]} ${normName(m[2]!)}` : normName(value);
  }
  return normName(value);
}

function dnsErrorText(code: string | undefined, host: string, type: RecordType, timeoutMs: number): string {
  switch (code) {
    case 'ENODATA':
      return `no ${type} records for ${host}`;
    case 'ENOTFOUND':
      return `domain not found: ${host}`;
    case 'ETIMEOUT':
    case 'ECANCELLED':
      return `timeout after ${timeoutMs} ms`;
    case 'ESERVFAIL':
      return 'DNS server failure (SERVFAIL)';
    case 'EREFUSED':
      return 'query refused by the DNS server';
    case 'ECONNREFUSED':
      return 'DNS server refused the connection';
    case 'EBADRESP':
    case 'EFORMERR':
      return 'malformed DNS response';
    default:
      return `DNS query failed (${code ?? 'unknown error'})`;
  }
}

/**
 * Queries one record type through c-ares (not getaddrinfo, so the answer is what the DNS servers
 * say, not /etc/hosts). No SSRF guard: the packets go to the configured resolvers, never to the
 * monitored name. Every expected value must be among the answers; extra answers are fine.
 */
export async function runDnsCheck(t: CheckTarget, opts: RunCheckOptions): Promise<CheckResult> {
  const host = t.host?.trim().replace(/\.$/, '');
  if (!host) return failure('missing host');
  const type = t.dns_record_type ?? 'A';
  if (!TYPES.includes(type)) return failure(`unsupported record type ${String(type)}`);
  if (!Number.isFinite(t.timeout_ms) || t.timeout_ms <= 0) return failure('invalid timeout');
  // One resolver per check: cancel() below must not cancel other checks' queries.
  const resolver = new Resolver({ timeout: Math.max(1, Math.round(t.timeout_ms)), tries: 1 });
  if (opts.dnsServers?.length) {
    try {
      resolver.setServers(opts.dnsServers);
    } catch {
      return failure('invalid DNS server configuration');
    }
  }
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      resolver.cancel();
      reject(Object.assign(new Error('timeout'), { code: 'ETIMEOUT' }));
    }, t.timeout_ms);
  });
  try {
    const answers = await Promise.race([query(resolver, host, type), timeout]);
    const elapsed = Math.round(performance.now() - started);
    const base: CheckResult = {
      status: 'up',
      status_code: null,
      response_time_ms: elapsed,
      timings: { ...noTimings(), dns: elapsed },
      error: null,
      cert_expires_at: null,
      cert_days_left: null,
    };
    if (answers.length === 0) return { ...base, status: 'down', error: `no ${type} records for ${host}` };
    const have = new Set(answers.flatMap((a) => a.keys));
    const missing = (t.dns_expected ?? []).filter((v) => !have.has(expectedKey(type, v)));
    if (missing.length > 0) {
      const got = answers.map((a) => a.shown).join(', ');
      const text = `expected ${type} ${missing.join(', ')}, got ${got}`;
      return { ...base, status: 'down', error: text.length > 200 ? `${text.slice(0, 199)}…` : text };
    }
    if (t.degraded_threshold_ms !== null && t.degraded_threshold_ms !== undefined && elapsed > t.degraded_threshold_ms) {
      return { ...base, status: 'degraded', error: `response time ${elapsed} ms exceeds ${t.degraded_threshold_ms} ms` };
    }
    return base;
  } catch (err) {
    return failure(dnsErrorText((err as NodeJS.ErrnoException).code, host, type, t.timeout_ms), {
      response_time_ms: null,
    });
  } finally {
    clearTimeout(timer);
  }
}
