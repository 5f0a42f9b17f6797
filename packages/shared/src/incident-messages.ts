/**
 * The timeline texts the engine writes on automatic and certificate incidents: what an on-call
 * person reads in the incident and in the channel message that carries it. Pure, so the plan of
 * a check batch (check-batch.ts) holds the exact words before anything is written.
 */
import { formatResponseTime } from './incident-engine';

/** What a message needs to know about the monitor and the check that caused it. */
interface MessageContext {
  confirmations: number;
  recoveryConfirmations: number;
  thresholdMs: number | null;
  responseTimeMs: number | null;
  error: string | null;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `2,340 ms (threshold 1,000 ms)`: how slow, against what. */
function overThreshold(c: MessageContext): string {
  const measured = c.responseTimeMs !== null ? formatResponseTime(c.responseTimeMs) : 'slow';
  return `${measured}${c.thresholdMs !== null ? ` (threshold ${formatResponseTime(c.thresholdMs)})` : ''}`;
}

export function outageOpenedMessage(c: MessageContext): string {
  return c.error ?? 'The monitor is failing.';
}

export function slowOpenedMessage(c: MessageContext): string {
  return `Slow for ${plural(c.confirmations, 'check')} in a row: ${overThreshold(c)}. The target answers; this is not counted as downtime.`;
}

/** Downtime is counted from `failingSince` (ms), the first failing check of the streak. */
export function escalatedMessage(c: MessageContext, failingSince: number): string {
  return `Escalated to an outage: ${c.error ?? 'the monitor is failing'}. Downtime is counted from ${new Date(failingSince).toISOString()}, the first failing check.`;
}

export function deescalatedMessage(c: MessageContext): string {
  return `Answering again, but slowly: ${overThreshold(c)}. The outage has ended; the incident stays open until ${plural(c.recoveryConfirmations, 'fast check')} in a row.`;
}

export function fastAgainMessage(c: MessageContext): string {
  const answered = c.responseTimeMs !== null ? ` in ${formatResponseTime(c.responseTimeMs)}` : '';
  const under = c.thresholdMs !== null ? `, under the ${formatResponseTime(c.thresholdMs)} threshold` : '';
  return `Fast again: the check answered${answered}${under}.`;
}

export function recoveredMessage(c: MessageContext): string {
  return `Recovered: the check succeeded${c.responseTimeMs !== null ? ` in ${Math.round(c.responseTimeMs)} ms` : ''}.`;
}

export function certificateExpiringTitle(monitorName: string, daysLeft: number): string {
  return `Certificate for ${monitorName} expires in ${plural(daysLeft, 'day')}`;
}

export function certificateExpiringMessage(expiresAt: Date | null, daysLeft: number): string {
  return `The TLS certificate expires ${expiresAt?.toISOString() ?? 'soon'} (${daysLeft} days left).`;
}

export const CERTIFICATE_RENEWED_MESSAGE = 'A renewed certificate was found.';
