import { incidentKey, INCIDENT_ACTION, opsgenieCreate } from '../message';
import { jsonField, sendAndClassify } from './http';
import type { Delivery, DeliveryOutcome, Provider, ProviderSettings } from './types';

export const OPSGENIE_BASES = { us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' } as const;

/**
 * Opsgenie Alert API (`Authorization: GenieKey <key>`): create `POST /v2/alerts` with the incident's
 * alias, acknowledge and close `POST /v2/alerts/<alias>/acknowledge|close?identifierType=alias`.
 * Requests are asynchronous: 202 `{result, requestId}` (the request id is kept); 401/403/404/422
 * are permanent, 429 and 5xx retried. US or EU base by the channel's region, or OPSGENIE_API_BASE.
 */
export function opsgenieProvider(settings: ProviderSettings): Provider {
  return {
    async send({ channel, content, idempotencyKey }: Delivery): Promise<DeliveryOutcome> {
      const key = channel.secrets.api_key;
      if (!key) return { kind: 'permanent', statusCode: null, error: 'the channel has no API key' };
      const region = channel.config.region === 'eu' ? 'eu' : 'us';
      const base = settings.opsgenieApiBase ?? OPSGENIE_BASES[region];
      const alias = incidentKey(content, idempotencyKey);
      const action = INCIDENT_ACTION[content.eventType];
      const paths = {
        trigger: '/v2/alerts',
        acknowledge: `/v2/alerts/${encodeURIComponent(alias)}/acknowledge?identifierType=alias`,
        resolve: `/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`,
      } as const;
      const body =
        action === 'trigger'
          ? opsgenieCreate(content, idempotencyKey)
          : { source: 'SentryPulse', user: 'SentryPulse', note: content.headline.slice(0, 25000) };
      return sendAndClassify(settings, {
        provider: 'Opsgenie',
        url: `${base}${paths[action]}`,
        headers: { 'content-type': 'application/json', authorization: `GenieKey ${key}` },
        body: JSON.stringify(body),
        secrets: [key],
        messageId: jsonField('requestId'),
      });
    },
  };
}
