import { ForbiddenAddressError, UnresolvableHostError } from './address';
import { ConnectTimeoutError, TlsVerificationError } from './connect';

/**
 * Short human text for any error an outbound connection can end with: guard refusals, DNS,
 * TCP, TLS, undici and fetch errors ("connection refused", "timeout after 5000 ms",
 * "blocked: 10.0.0.1 is a private address"). Checks store it; senders can use it for
 * alerts_sent.last_error. Never includes secrets (only codes and our own messages).
 */
export function describeOutboundError(err: unknown, timeoutMs?: number): string {
  const timeout = timeoutMs === undefined ? 'timeout' : `timeout after ${timeoutMs} ms`;
  if (err instanceof ForbiddenAddressError || err instanceof UnresolvableHostError || err instanceof TlsVerificationError) return err.message;
  if (err instanceof ConnectTimeoutError) return timeoutMs === undefined ? err.message : timeout;
  const e = err as { code?: unknown; name?: string; message?: string; cause?: unknown };
  // DOMException has a numeric code; only Node/undici string codes mean something here.
  const code = typeof e?.code === 'string' ? e.code : undefined;
  switch (code) {
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
      return timeout;
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
  if (code?.startsWith('HPE_')) return 'invalid HTTP response';
  if (code?.startsWith('ERR_SSL') || code?.startsWith('ERR_TLS')) return 'TLS handshake failed';
  if (e?.cause) return describeOutboundError(e.cause, timeoutMs);
  if (e?.name === 'TimeoutError' && timeoutMs === undefined && e.message?.startsWith('timeout')) return e.message;
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return timeout;
  return (e?.message ?? String(err)).slice(0, 200);
}
