import type { ChannelType } from '@sentrypulse/shared';
import type { AlertContent } from '../message';

/** What a provider makes of one attempt (ADR 0022). */
export type DeliveryOutcome =
  | { kind: 'delivered'; statusCode: number | null; messageId?: string | null }
  | {
      kind: 'retryable';
      statusCode: number | null;
      error: string;
      /** The provider said when to come back (Retry-After, Telegram retry_after). */
      retryAfterMs?: number;
    }
  | {
      kind: 'permanent';
      statusCode: number | null;
      error: string;
      /** The destination is gone for good: disable the channel with this reason. */
      disableChannel?: string;
    };

export interface ChannelForDelivery {
  id: number;
  teamId: number;
  type: ChannelType;
  name: string;
  config: Record<string, unknown>;
  secrets: Record<string, string>;
}

export interface Delivery {
  channel: ChannelForDelivery;
  content: AlertContent;
  /** Stable across every attempt of this (event, channel): webhook-id, email Message-ID. */
  idempotencyKey: string;
}

export interface ProviderSettings {
  smtpUrl: string | undefined;
  mailFrom: string;
  telegramApiBase: string;
  whatsappApiBase: string;
  /** On-call provider bases (SPEC 17), overridable so tests use local fakes. */
  pagerdutyApiBase?: string;
  /** Unset: by the channel's region. */
  opsgenieApiBase?: string | undefined;
  pushoverApiBase?: string;
  twilioApiBase?: string;
  /** The ntfy server of channels without server_url. */
  ntfyDefaultServer?: string;
  allowPrivate: boolean;
  /** Whole-request budget for HTTP providers (SPEC 8: 15 s). */
  timeoutMs: number;
}

export interface Provider {
  send(delivery: Delivery): Promise<DeliveryOutcome>;
  close?(): Promise<void>;
}

/**
 * Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 10.2.3). Null when absent
 * or unreadable. Capped at an hour: a longer wait is the job's own backoff's business.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Math.min(Number(v) * 1000, 3_600_000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(0, at - now), 3_600_000);
}

/** Error text safe to store: one line, bounded, without the given secrets. */
export function safeError(err: unknown, secrets: string[] = []): string {
  let text = err instanceof Error ? `${err.message}` : String(err);
  const code = (err as { code?: string })?.code;
  if (code && !text.includes(code)) text = `${text} (${code})`;
  for (const s of secrets) if (s) text = text.split(s).join('***');
  return text.replace(/\s+/g, ' ').slice(0, 480);
}
