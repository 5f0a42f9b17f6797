import { ntfyBody } from '../message';
import { jsonField, sendAndClassify } from './http';
import type { Delivery, DeliveryOutcome, Provider, ProviderSettings } from './types';

/**
 * ntfy JSON publishing (docs.ntfy.sh/publish/#publish-as-json): POST to the server root with the
 * topic in the body, priority and tags by severity, `click` opening the acknowledge link; optional
 * `Authorization: Bearer <token>`. 200 answers the message (id kept); 401/403 (bad token) and
 * 400 are permanent; 429 (visitor limits) and 5xx retried. The server URL is the user's: the
 * SSRF guard checks it like a webhook.
 */
export function ntfyProvider(settings: ProviderSettings): Provider {
  return {
    async send({ channel, content }: Delivery): Promise<DeliveryOutcome> {
      const server = String(channel.config.server_url ?? settings.ntfyDefaultServer ?? 'https://ntfy.sh').replace(/\/+$/, '');
      const token = channel.secrets.token;
      return sendAndClassify(settings, {
        provider: 'ntfy',
        url: `${server}/`,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(ntfyBody(content, String(channel.config.topic))),
        secrets: token ? [token] : [],
        messageId: jsonField('id'),
      });
    },
  };
}
