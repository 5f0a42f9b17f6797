import nodemailer, { type Transporter } from 'nodemailer';
import { safeError, type Delivery, type DeliveryOutcome, type Provider, type ProviderSettings } from './types';

/**
 * Email over SMTP_URL with nodemailer: HTML and plain-text parts, the lock-screen subject, and a
 * Message-ID derived from the alert's idempotency key (mail clients thread/dedupe on it) on the
 * MAIL_FROM domain (RFC 5322 3.6.4: the right side names the sending domain; spam filters score a
 * Message-ID whose domain matches nothing the mail came from). SMTP 5xx
 * answers are permanent, 4xx and connection failures are retried. The SMTP server is the operator's
 * own (configuration, not user input), so it is not behind the SSRF guard.
 */
export function emailProvider(settings: ProviderSettings): Provider {
  let transport: Transporter | null = null;
  const transporter = () => {
    if (!transport) transport = nodemailer.createTransport(settings.smtpUrl!, { from: settings.mailFrom });
    return transport;
  };
  return {
    async send({ channel, content, idempotencyKey }: Delivery): Promise<DeliveryOutcome> {
      if (!settings.smtpUrl) return { kind: 'permanent', statusCode: null, error: 'email is not configured on this server (SMTP_URL is unset)' };
      const to = channel.config.to as string[];
      try {
        const info = await transporter().sendMail({
          from: settings.mailFrom,
          to,
          subject: content.subject,
          text: content.text,
          html: content.html,
          messageId: messageIdFor(idempotencyKey, settings.mailFrom),
          headers: { 'X-SentryPulse-Alert': idempotencyKey, 'Auto-Submitted': 'auto-generated' },
        });
        const code = Number(/^(\d{3})/.exec(String(info.response ?? ''))?.[1] ?? 250);
        if (info.rejected.length > 0 && info.accepted.length === 0) {
          return { kind: 'permanent', statusCode: code, error: `every recipient was refused: ${info.rejected.join(', ').slice(0, 300)}` };
        }
        return { kind: 'delivered', statusCode: code, messageId: info.messageId ?? null };
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        const error = safeError(err, passwordOf(settings.smtpUrl));
        if (code !== undefined && code >= 500) return { kind: 'permanent', statusCode: code, error };
        return { kind: 'retryable', statusCode: code ?? null, error };
      }
    },
    async close() {
      transport?.close();
    },
  };
}

/** `<key@domain>` with the domain of MAIL_FROM ("SentryPulse <alerts@example.com>" or a bare address). */
export function messageIdFor(idempotencyKey: string, mailFrom: string): string {
  const address = /<([^<>]+)>\s*$/.exec(mailFrom)?.[1] ?? mailFrom;
  const domain = /@([A-Za-z0-9.-]+)\s*$/.exec(address.trim())?.[1]?.toLowerCase();
  return `<${idempotencyKey.replace(/[^A-Za-z0-9._-]/g, '-')}@${domain || 'localhost'}>`;
}

function passwordOf(url: string): string[] {
  try {
    const p = decodeURIComponent(new URL(url).password);
    return p ? [p] : [];
  } catch {
    return [];
  }
}
