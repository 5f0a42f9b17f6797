import { pushoverFields } from '../message';
import { jsonField, sendAndClassify } from './http';
import type { Delivery, DeliveryOutcome, Provider, ProviderSettings } from './types';

/**
 * Pushover Message API (`POST /1/messages.json`, form-encoded): priority by severity, emergency (2)
 * with retry/expire for a critical incident. 200 `{status:1, request}` (the request id kept, or
 * the emergency receipt); 4xx `{status:0, errors}` is permanent (bad token/user), 429 (over quota)
 * and 5xx are retried.
 */
export function pushoverProvider(settings: ProviderSettings): Provider {
  return {
    async send({ channel, content }: Delivery): Promise<DeliveryOutcome> {
      const { user_key: user, app_token: token } = channel.secrets;
      if (!user || !token) return { kind: 'permanent', statusCode: null, error: 'the channel has no user key or application token' };
      const form = new URLSearchParams({ token, user, ...pushoverFields(content) });
      return sendAndClassify(settings, {
        provider: 'Pushover',
        url: `${settings.pushoverApiBase ?? 'https://api.pushover.net'}/1/messages.json`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        secrets: [user, token],
        messageId: (text) => jsonField('receipt')(text) ?? jsonField('request')(text),
      });
    },
  };
}
