import { pagerdutyEvent } from '../message';
import { jsonField, sendAndClassify } from './http';
import type { Delivery, DeliveryOutcome, Provider, ProviderSettings } from './types';

/**
 * PagerDuty Events API v2 (`POST /v2/enqueue`): trigger on open (and escalation, reminder),
 * acknowledge on ack, resolve on resolve, all with the incident's one dedup_key. PagerDuty answers
 * 202 `{status:'success', dedup_key}`, 400 `invalid event` (permanent), 429 when throttled and 5xx
 * (both retried). The stored message id is the dedup_key.
 */
export function pagerdutyProvider(settings: ProviderSettings): Provider {
  return {
    async send({ channel, content, idempotencyKey }: Delivery): Promise<DeliveryOutcome> {
      const key = channel.secrets.routing_key;
      if (!key) return { kind: 'permanent', statusCode: null, error: 'the channel has no routing key' };
      return sendAndClassify(settings, {
        provider: 'PagerDuty',
        url: `${settings.pagerdutyApiBase ?? 'https://events.pagerduty.com'}/v2/enqueue`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ routing_key: key, ...pagerdutyEvent(content, idempotencyKey) }),
        secrets: [key],
        messageId: jsonField('dedup_key'),
      });
    },
  };
}
