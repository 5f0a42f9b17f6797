import { createHmac } from 'node:crypto';
import { ForbiddenAddressError, guardedRequest, UnresolvableHostError } from '../../outbound';
import { parseRetryAfter, safeError, type Delivery, type DeliveryOutcome, type Provider, type ProviderSettings } from './types';

const RETRY_AFTER_STATUSES = new Set([429, 502, 503, 504]);

/**
 * Standard Webhooks signature: base64 HMAC-SHA256 over `${id}.${timestamp}.${body}` keyed with the
 * base64-decoded part of the `whsec_` secret, sent as `v1,<signature>`.
 */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/**
 * Webhooks (SPEC 8): the same webhook-id on every attempt (receivers dedupe on it), only 2xx is
 * delivered, redirects are not followed (3xx is a failure), 410 disables the channel, 429/502/503/504
 * honour Retry-After, every connection goes through the SSRF guard, 15 s budget.
 */
export function webhookProvider(settings: ProviderSettings, now: () => number = Date.now): Provider {
  return {
    async send({ channel, content, idempotencyKey }: Delivery): Promise<DeliveryOutcome> {
      const url = String(channel.config.url);
      const secret = channel.secrets.secret;
      if (!secret) return { kind: 'permanent', statusCode: null, error: 'the channel has no signing secret' };
      const body = JSON.stringify(content.webhook);
      const ts = Math.floor(now() / 1000);
      let res;
      try {
        res = await guardedRequest(
          url,
          {
            method: 'POST',
            body,
            timeoutMs: settings.timeoutMs,
            headers: {
              'content-type': 'application/json',
              'user-agent': 'SentryPulse-Webhooks/1.0',
              'webhook-id': idempotencyKey,
              'webhook-timestamp': String(ts),
              'webhook-signature': signWebhook(secret, idempotencyKey, ts, body),
            },
          },
          { allowPrivate: settings.allowPrivate },
        );
      } catch (err) {
        if (err instanceof ForbiddenAddressError) return { kind: 'permanent', statusCode: null, error: err.message };
        if (err instanceof UnresolvableHostError) return { kind: 'retryable', statusCode: null, error: err.message };
        return { kind: 'retryable', statusCode: null, error: safeError(err, [secret]) };
      }
      await res.body?.cancel().catch(() => undefined);
      const status = res.status;
      if (status >= 200 && status < 300) return { kind: 'delivered', statusCode: status };
      if (status === 410) {
        return {
          kind: 'permanent',
          statusCode: 410,
          error: 'the endpoint answered 410 Gone; the channel was disabled',
          disableChannel: `the webhook endpoint answered 410 Gone on ${new Date(now()).toISOString()}`,
        };
      }
      if (status >= 300 && status < 400) {
        const location = res.headers.get('location');
        return {
          kind: 'retryable',
          statusCode: status,
          error: `the endpoint redirected (${status}${location ? ` to ${location.slice(0, 200)}` : ''}); redirects are not followed, update the URL`,
        };
      }
      const retryAfter = RETRY_AFTER_STATUSES.has(status) ? parseRetryAfter(res.headers.get('retry-after'), now()) : null;
      return {
        kind: 'retryable',
        statusCode: status,
        error: `the endpoint answered ${status}`,
        ...(retryAfter !== null ? { retryAfterMs: retryAfter } : {}),
      };
    },
  };
}
