import { Agent, fetch, type RequestInit, type Response } from 'undici';
import type { AddressPolicy } from './address';
import { createGuardedConnector } from './connect';

export interface GuardedDispatcherOptions extends AddressPolicy {
  /** Connect budget (DNS + TCP + TLS), default 10 000 ms. */
  timeoutMs?: number;
  /** Extra trusted root certificates (PEM) for internal CAs. */
  ca?: string | string[];
}

/**
 * An undici Agent whose every connection goes through the SSRF guard (resolve once, refuse if any
 * address is forbidden, connect to the checked addresses, re-check the connected IP). Certificates
 * are verified. Keep-alive pooling is fine: the guard runs per connection, not per request.
 */
export function createGuardedDispatcher(opts: GuardedDispatcherOptions): Agent {
  return new Agent({
    connect: createGuardedConnector({ allowPrivate: opts.allowPrivate, testPublicAddresses: opts.testPublicAddresses, timeoutMs: opts.timeoutMs, ca: opts.ca }),
    keepAliveTimeout: 4_000,
  });
}

const shared = new Map<boolean, Agent>();
function sharedDispatcher(allowPrivate: boolean): Agent {
  let d = shared.get(allowPrivate);
  if (!d) {
    d = createGuardedDispatcher({ allowPrivate });
    shared.set(allowPrivate, d);
  }
  return d;
}

export interface GuardedRequestInit extends Omit<RequestInit, 'dispatcher' | 'redirect'> {
  /** Whole-request budget in ms (connect + response headers + body), default 15 000. */
  timeoutMs?: number;
}

/**
 * The one outbound HTTP helper for webhooks, Telegram and WhatsApp: undici's fetch through the
 * guarded dispatcher, redirects never followed (a 3xx comes back as the response), a total
 * timeout. Guard refusals reject with ForbiddenAddressError / UnresolvableHostError (not the
 * generic "fetch failed"), timeouts with a TimeoutError ("timeout after N ms").
 * Read or cancel the body of the returned Response so the connection is released.
 */
export async function guardedRequest(url: string | URL, init: GuardedRequestInit, opts: AddressPolicy): Promise<Response> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`unsupported URL scheme ${parsed.protocol.replace(':', '')}`);
  }
  const { timeoutMs = 15_000, signal, ...rest } = init;
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal as AbortSignal, timeout]) : timeout;
  try {
    return await fetch(parsed, { ...rest, signal: combined, redirect: 'manual', dispatcher: sharedDispatcher(opts.allowPrivate) });
  } catch (err) {
    if (timeout.aborted) throw Object.assign(new Error(`timeout after ${timeoutMs} ms`), { name: 'TimeoutError', code: 'ETIMEDOUT' });
    // fetch wraps network failures in TypeError('fetch failed'); surface the real reason.
    const cause = (err as { cause?: unknown }).cause;
    if (err instanceof TypeError && cause instanceof Error) throw cause;
    throw err;
  }
}

/**
 * Reads at most `maxBytes` of a response body as text and cancels the rest, so a hostile
 * receiver cannot make a sender buffer megabytes (webhook / provider answers are small).
 */
export async function readBodyText(res: Response, maxBytes = 64 * 1024): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      if (size >= maxBytes) {
        await reader.cancel();
        break;
      }
    }
  } finally {
    reader.releaseLock();
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, maxBytes));
}

/** Closes the shared dispatchers of guardedRequest (idle keep-alive sockets); for shutdown. */
export async function closeGuardedRequests(): Promise<void> {
  const all = [...shared.values()];
  shared.clear();
  await Promise.allSettled(all.map((d) => d.close()));
}
