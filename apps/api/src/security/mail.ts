import type { Config } from '@sentrypulse/shared/config';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Log } from '../context';

/**
 * Account mail (reset links, verification links, security notices), sent by the API itself over
 * SMTP_URL (ADR 0110): these are one message to one person, with nothing to fan out or retry
 * for hours, and the worker's alert pipeline is team- and channel-shaped. Sending happens after
 * the answer (see `afterResponse`), so how long SMTP takes never shows in a response time.
 */
export interface AccountMail {
  to: string;
  subject: string;
  text: string;
}

const transports = new Map<string, Transporter>();

function transportFor(config: Config): Transporter | null {
  if (!config.smtpUrl) return null;
  let t = transports.get(config.smtpUrl);
  if (!t) {
    t = nodemailer.createTransport(config.smtpUrl);
    transports.set(config.smtpUrl, t);
  }
  return t;
}

/** Sends one mail; never throws, and never logs the body (it may hold a link with a token). */
export async function sendAccountMail(config: Config, log: Log, mail: AccountMail): Promise<void> {
  const transport = transportFor(config);
  if (!transport) {
    log.warn({ subject: mail.subject }, 'account mail not sent: SMTP_URL is unset');
    return;
  }
  try {
    await transport.sendMail({
      from: config.mailFrom,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
  } catch (err) {
    const code = (err as { responseCode?: number }).responseCode;
    log.error({ subject: mail.subject, smtpCode: code ?? null }, 'account mail could not be sent');
  }
}

const pending = new Set<Promise<void>>();

/**
 * Runs `work` after the current request has been answered, so the answer takes the same time
 * whatever `work` finds (a known or an unknown address). Failures are logged by kind, never with
 * the token. `settleAccountWork()` waits for what is in flight (graceful shutdown, tests).
 */
export function afterResponse(log: Log, what: string, work: () => Promise<void>): void {
  const p: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
    .then(work)
    .catch((err: unknown) => log.error({ what, err: (err as Error).name }, 'background account work failed'))
    .finally(() => pending.delete(p));
  pending.add(p);
}

export async function settleAccountWork(): Promise<void> {
  while (pending.size) await Promise.allSettled([...pending]);
}

export function closeAccountMail(): void {
  for (const t of transports.values()) t.close();
  transports.clear();
}
