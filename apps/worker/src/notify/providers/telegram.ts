import { ForbiddenAddressError, guardedRequest } from '../../outbound';
import { parseRetryAfter, safeError, type Delivery, type DeliveryOutcome, type Provider, type ProviderSettings } from './types';

interface TelegramAnswer {
  ok?: boolean;
  result?: { message_id?: number };
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

/**
 * Telegram Bot API `sendMessage` with MarkdownV2. 429 carries `parameters.retry_after` (seconds),
 * which is honoured; 5xx and network errors are retried; other 4xx (bad chat, bad token, bot
 * blocked, unparsable entities) are permanent. The bot token is part of the URL, so it is scrubbed
 * from every stored error.
 */
export function telegramProvider(settings: ProviderSettings): Provider {
  return {
    async send({ channel, content }: Delivery): Promise<DeliveryOutcome> {
      const token = channel.secrets.bot_token;
      if (!token) return { kind: 'permanent', statusCode: null, error: 'the channel has no bot token' };
      let res;
      try {
        res = await guardedRequest(
          `${settings.telegramApiBase}/bot${token}/sendMessage`,
          {
            method: 'POST',
            timeoutMs: settings.timeoutMs,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              chat_id: channel.config.chat_id,
              text: content.markdownV2,
              parse_mode: 'MarkdownV2',
              link_preview_options: { is_disabled: true },
            }),
          },
          { allowPrivate: settings.allowPrivate },
        );
      } catch (err) {
        if (err instanceof ForbiddenAddressError) return { kind: 'permanent', statusCode: null, error: safeError(err, [token]) };
        return { kind: 'retryable', statusCode: null, error: safeError(err, [token]) };
      }
      let answer: TelegramAnswer = {};
      try {
        answer = (await res.json()) as TelegramAnswer;
      } catch {
        // a proxy's HTML error page: judged by the status alone
      }
      const status = res.status;
      if (status === 200 && answer.ok) return { kind: 'delivered', statusCode: 200, messageId: answer.result?.message_id != null ? String(answer.result.message_id) : null };
      const description = safeError(answer.description ?? `HTTP ${status}`, [token]);
      const error = `Telegram answered ${answer.error_code ?? status}: ${description}`;
      if (status === 429) {
        const after = answer.parameters?.retry_after;
        const retryAfterMs = typeof after === 'number' && after >= 0 ? Math.min(after * 1000, 3_600_000) : parseRetryAfter(res.headers.get('retry-after'));
        return { kind: 'retryable', statusCode: 429, error, ...(retryAfterMs !== null ? { retryAfterMs } : {}) };
      }
      if (status >= 500 || status === 408) return { kind: 'retryable', statusCode: status, error };
      return { kind: 'permanent', statusCode: status, error };
    },
  };
}
