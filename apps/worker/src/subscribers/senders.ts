import nodemailer, { type Transporter } from 'nodemailer';
import { ForbiddenAddressError, guardedRequest, readBodyText, UnresolvableHostError } from '../outbound';
import { parseRetryAfter, safeError } from '../notify/providers/types';
import { signWebhook } from '../notify/providers/webhook';
import type { EmailMessage, MessageLinks } from './messages';

/** What one attempt came to (the alerts' classification, ADR 0022). */
export type SendOutcome =
  | { kind: 'delivered'; statusCode: number | null; messageId?: string | null }
  | { kind: 'retryable'; statusCode: number | null; error: string; retryAfterMs?: number }
  | { kind: 'permanent'; statusCode: number | null; error: string; gone?: boolean };

export interface SubscriberSenders {
  email(to: string, message: EmailMessage, links: MessageLinks, idempotencyKey: string): Promise<SendOutcome>;
  webhook(url: string, secret: string, payload: unknown, idempotencyKey: string, expect?: { challenge: string }): Promise<SendOutcome>;
  chat(url: string, payload: unknown): Promise<SendOutcome>;
  close(): Promise<void>;
}

export interface SenderSettings {
  smtpUrl: string | undefined;
  mailFrom: string;
  allowPrivate: boolean;
  timeoutMs: number;
  /** SMTP connections kept open for notices (a pooled transport: one handshake per connection, not per mail). */
  smtpPool: number;
}

const RETRY_AFTER_STATUSES = new Set([429, 502, 503, 504]);

function classifyHttp(status: number, headers: { get(name: string): string | null }): SendOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered', statusCode: status };
  if (status === 410) return { kind: 'permanent', statusCode: 410, error: 'the endpoint answered 410 Gone; the subscriber was removed', gone: true };
  if (status === 404 || status === 401 || status === 403) return { kind: 'permanent', statusCode: status, error: `the endpoint answered ${status}` };
  if (status >= 300 && status < 400) return { kind: 'retryable', statusCode: status, error: `the endpoint redirected (${status}); redirects are not followed` };
  const retryAfter = RETRY_AFTER_STATUSES.has(status) ? parseRetryAfter(headers.get('retry-after')) : null;
  return { kind: 'retryable', statusCode: status, error: `the endpoint answered ${status}`, ...(retryAfter !== null ? { retryAfterMs: retryAfter } : {}) };
}

async function post(url: string, body: string, headers: Record<string, string>, settings: SenderSettings, secrets: string[], read?: (text: string) => SendOutcome | null): Promise<SendOutcome> {
  let res: Awaited<ReturnType<typeof guardedRequest>>;
  try {
    res = await guardedRequest(url, { method: 'POST', body, timeoutMs: settings.timeoutMs, headers: { 'content-type': 'application/json', 'user-agent': 'SentryPulse-Notices/1.0', ...headers } }, { allowPrivate: settings.allowPrivate });
  } catch (err) {
    if (err instanceof ForbiddenAddressError) return { kind: 'permanent', statusCode: null, error: err.message };
    if (err instanceof UnresolvableHostError) return { kind: 'retryable', statusCode: null, error: err.message };
    return { kind: 'retryable', statusCode: null, error: safeError(err, secrets) };
  }
  const outcome = classifyHttp(res.status, res.headers);
  if (outcome.kind === 'delivered' && read) {
    const checked = read(await readBodyText(res, 16 * 1024).catch(() => ''));
    if (checked) return checked;
  } else {
    await res.body?.cancel().catch(() => undefined);
  }
  return outcome;
}

/** Did the endpoint echo the challenge (`{"challenge": "..."}` or the bare value)? */
export function echoesChallenge(text: string, challenge: string): boolean {
  const t = text.trim();
  if (t === challenge) return true;
  try {
    return (JSON.parse(t) as { challenge?: unknown }).challenge === challenge;
  } catch {
    return false;
  }
}

export function createSenders(settings: SenderSettings, now: () => number = Date.now): SubscriberSenders {
  let transport: Transporter | null = null;
  const transporter = () => {
    if (!transport) transport = nodemailer.createTransport({ url: settings.smtpUrl!, pool: true, maxConnections: settings.smtpPool, maxMessages: Infinity } as never);
    return transport!;
  };
  return {
    async email(to, message, links, idempotencyKey) {
      if (!settings.smtpUrl) return { kind: 'permanent', statusCode: null, error: 'email is not configured on this server (SMTP_URL is unset)' };
      try {
        const info = await transporter().sendMail({
          from: settings.mailFrom,
          to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          messageId: `<${idempotencyKey}@sentrypulse>`,
          // RFC 8058 one-click: a POST of List-Unsubscribe=One-Click to this URL unsubscribes at once.
          list: { unsubscribe: { url: links.unsubscribeUrl, comment: 'Unsubscribe' } },
          headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'Auto-Submitted': 'auto-generated', 'X-SentryPulse-Notice': idempotencyKey },
        });
        const code = Number(/^(\d{3})/.exec(String(info.response ?? ''))?.[1] ?? 250);
        if (info.rejected.length > 0 && info.accepted.length === 0) return { kind: 'permanent', statusCode: code, error: 'the recipient was refused' };
        return { kind: 'delivered', statusCode: code, messageId: info.messageId ?? null };
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        const error = safeError(err);
        if (code !== undefined && code >= 500) return { kind: 'permanent', statusCode: code, error };
        return { kind: 'retryable', statusCode: code ?? null, error };
      }
    },
    async webhook(url, secret, payload, idempotencyKey, expect) {
      const body = JSON.stringify(payload);
      const ts = Math.floor(now() / 1000);
      const headers = { 'webhook-id': idempotencyKey, 'webhook-timestamp': String(ts), 'webhook-signature': signWebhook(secret, idempotencyKey, ts, body) };
      return post(url, body, headers, settings, [secret], expect ? (text) => (echoesChallenge(text, expect.challenge) ? null : { kind: 'retryable', statusCode: 200, error: 'the endpoint did not echo the verification challenge' }) : undefined);
    },
    chat(url, payload) {
      // The URL itself is the credential of an incoming webhook: keep it out of errors.
      return post(url, JSON.stringify(payload), {}, settings, [url]);
    },
    async close() {
      transport?.close();
    },
  };
}
