import { discordBody } from '../message';
import { jsonField, sendAndClassify } from './http';
import type { Delivery, DeliveryOutcome, Provider, ProviderSettings } from './types';

/**
 * Discord webhook (discord.com/developers/docs/resources/webhook#execute-webhook): POST
 * `?wait=true` so the answer is 200 with the message (its id kept), 404 "Unknown Webhook" (code
 * 10015) disables the channel, 429 carries Retry-After and a `retry_after` in seconds (float).
 */
export function discordProvider(settings: ProviderSettings): Provider {
  return {
    async send({ channel, content }: Delivery): Promise<DeliveryOutcome> {
      const url = channel.secrets.webhook_url;
      if (!url) return { kind: 'permanent', statusCode: null, error: 'the channel has no webhook URL' };
      const target = new URL(url);
      target.searchParams.set('wait', 'true');
      return sendAndClassify(settings, {
        provider: 'Discord',
        url: target.toString(),
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(discordBody(content)),
        secrets: [url, new URL(url).pathname],
        goneDisables: true,
        messageId: jsonField('id'),
        retryAfterFromBody: (text) => {
          try {
            const s = (JSON.parse(text) as { retry_after?: unknown }).retry_after;
            return typeof s === 'number' && s >= 0 ? Math.min(Math.ceil(s * 1000), 3_600_000) : null;
          } catch {
            return null;
          }
        },
      });
    },
  };
}
