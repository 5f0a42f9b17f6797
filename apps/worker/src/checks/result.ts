import { describeOutboundError } from '../outbound';
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
export const errorText = describeOutboundError;
