import { ForbiddenAddressError, guardedRequest, readBodyText } from '../../outbound';
import { parseRetryAfter, safeError, type DeliveryOutcome, type ProviderSettings } from './types';

/**
 * The shared request-and-classify step of the HTTP providers added for on-call (ADR 0122):
 * every request goes through the SSRF guard with a whole-request budget, redirects are never
 * followed, and the answer is classified the same way for all of them:
 * - 2xx → delivered (the provider's message id when `messageId` finds one);
 * - 429 and 502/503/504 → retryable, honouring Retry-After (or a provider's own retry hint);
 * - other 5xx, 408 and network errors → retryable; a refused (private) address → permanent;
 * - 3xx → retryable with the target named (not followed, SPEC 8);
 * - other 4xx → permanent; with `goneDisables`, 404 and 410 also disable the channel (a deleted
 *   Slack/Discord/Teams webhook never comes back).
 * Secrets (tokens, webhook URLs) are scrubbed from every stored error.
 */
export interface ProviderRequest {
  provider: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Strings that must never appear in a stored error. */
  secrets: string[];
  goneDisables?: boolean;
  /** The id the provider gave the message, from its (bounded) answer text. */
  messageId?: (text: string) => string | null;
  /** A retry hint in the body (Discord `retry_after` seconds) when there is no Retry-After header. */
  retryAfterFromBody?: (text: string) => number | null;
}

const RETRY_AFTER_STATUSES = new Set([429, 502, 503, 504]);

/** The provider's own words from a JSON (or text) error answer, one bounded line. */
export function describeAnswer(text: string): string {
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const parts: string[] = [];
    for (const k of ['message', 'error', 'description', 'status', 'code', 'result']) {
      const v = j[k];
      if (typeof v === 'string' || typeof v === 'number') parts.push(`${k}=${v}`);
    }
    if (Array.isArray(j.errors)) parts.push(`errors=${j.errors.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join(', ')}`);
    if (parts.length > 0) return parts.join(' ').slice(0, 300);
  } catch {
    // not JSON: the text itself
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 200) || 'no body';
}

export function jsonField(field: string): (text: string) => string | null {
  return (text) => {
    try {
      const v = (JSON.parse(text) as Record<string, unknown>)[field];
      return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
    } catch {
      return null;
    }
  };
}

export async function sendAndClassify(settings: ProviderSettings, r: ProviderRequest, now: () => number = Date.now): Promise<DeliveryOutcome> {
  let res;
  try {
    res = await guardedRequest(r.url, { method: 'POST', timeoutMs: settings.timeoutMs, headers: { 'user-agent': 'SentryPulse-Alerts/1.0', ...r.headers }, body: r.body }, { allowPrivate: settings.allowPrivate });
  } catch (err) {
    const error = safeError(err, r.secrets);
    if (err instanceof ForbiddenAddressError) return { kind: 'permanent', statusCode: null, error };
    return { kind: 'retryable', statusCode: null, error };
  }
  const status = res.status;
  let text = '';
  try {
    text = await readBodyText(res, 16 * 1024);
  } catch {
    // the body broke off: judged by the status alone
  }
  if (status >= 200 && status < 300) return { kind: 'delivered', statusCode: status, messageId: r.messageId?.(text) ?? null };
  const error = safeError(`${r.provider} answered ${status}: ${describeAnswer(text)}`, r.secrets);
  if (status >= 300 && status < 400) {
    return { kind: 'retryable', statusCode: status, error: safeError(`${r.provider} redirected (${status}); redirects are not followed, check the URL`, r.secrets) };
  }
  if (RETRY_AFTER_STATUSES.has(status) || status >= 500 || status === 408) {
    const header = RETRY_AFTER_STATUSES.has(status) ? parseRetryAfter(res.headers.get('retry-after'), now()) : null;
    const hint = header ?? (status === 429 ? (r.retryAfterFromBody?.(text) ?? null) : null);
    return { kind: 'retryable', statusCode: status, error, ...(hint !== null ? { retryAfterMs: hint } : {}) };
  }
  if (r.goneDisables && (status === 404 || status === 410)) {
    return { kind: 'permanent', statusCode: status, error, disableChannel: `${r.provider} answered ${status} (the webhook no longer exists) on ${new Date(now()).toISOString()}` };
  }
  return { kind: 'permanent', statusCode: status, error };
}
