import { ConnectTimeoutError, ForbiddenAddressError, TlsVerificationError, UnresolvableHostError } from '../outbound';
import type { CheckResult, CheckTimings } from './types';

export const noTimings = (): CheckTimings => ({ dns: null, connect: null, tls: null, ttfb: null });

export function failure(error: string, partial: Partial<CheckResult> = {}): CheckResult {
  return {
    status: 'down',
    status_code: null,
    response_time_ms: null,
    timings: noTimings(),
    cert_expires_at: null,
    cert_days_left: null,
    ...partial,
    error,
  };
}

/** Whole days until `date`, truncated toward "less time left" (2.9 days -> 2). */
export function daysLeft(date: Date, now = Date.now()): number {
  return Math.floor((date.getTime() - now) / 86_400_000);
}

export function roundMs(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms);
}

/** Maps network / guard / TLS errors to the short human text stored with the check. */
export function errorText(err: unknown, timeoutMs: number): string {
  if (err instanceof ForbiddenAddressError || err instanceof UnresolvableHostError || err instanceof TlsVerificationError) return err.message;
  if (err instanceof ConnectTimeoutError) return `timeout after ${timeoutMs} ms`;
  const e = err as { code?: string; name?: string; message?: string; cause?: unknown };
  switch (e?.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'connection reset by peer';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ABORT_ERR':
    case 'UND_ERR_ABORTED':
      return `timeout after ${timeoutMs} ms`;
    case 'EHOSTUNREACH':
      return 'host unreachable';
    case 'ENETUNREACH':
      return 'network unreachable';
    case 'EADDRNOTAVAIL':
      return 'address not available';
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'connection closed by server';
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return 'TLS handshake failed';
    case 'UND_ERR_INVALID_ARG':
      return `invalid request: ${e.message ?? ''}`.slice(0, 200);
    default:
      break;
  }
  if (e?.code?.startsWith('HPE_')) return 'invalid HTTP response';
  if (e?.code?.startsWith('ERR_SSL') || e?.code?.startsWith('ERR_TLS')) return 'TLS handshake failed';
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return `timeout after ${timeoutMs} ms`;
  if (e?.cause) return errorText(e.cause, timeoutMs);
  return (e?.message ?? String(err)).slice(0, 200);
}
