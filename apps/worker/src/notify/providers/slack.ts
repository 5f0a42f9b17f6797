import { slackBody } from '../message';
import { sendAndClassify } from './http';
import type { Delivery, DeliveryOutcome, Provider, ProviderSettings } from './types';

/**
 * Slack incoming webhook (api.slack.com/messaging/webhooks): POST the Block Kit body as JSON; Slack
 * answers 200 `ok`, 400 `invalid_payload`, 403 `invalid_token`/`action_prohibited`, 404
 * `no_service`/`channel_not_found`, 410 `channel_is_archived` and 429 with Retry-After. 404/410
 * disable the channel. The webhook URL is the credential, so it never appears in an error.
 */
export function slackProvider(settings: ProviderSettings): Provider {
  return {
    async send({ channel, content }: Delivery): Promise<DeliveryOutcome> {
      const url = channel.secrets.webhook_url;
      if (!url) return { kind: 'permanent', statusCode: null, error: 'the channel has no webhook URL' };
      return sendAndClassify(settings, {
        provider: 'Slack',
        url,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(slackBody(content)),
        secrets: [url, new URL(url).pathname],
        goneDisables: true,
      });
    },
  };
}
