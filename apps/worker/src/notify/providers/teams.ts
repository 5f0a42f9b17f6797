import { teamsBody } from '../message';
import { sendAndClassify } from './http';
import type { Delivery, DeliveryOutcome, Provider, ProviderSettings } from './types';

/**
 * Microsoft Teams through a Workflows (Power Automate) "post to a channel when a webhook request is
 * received" URL: POST a `message` with one Adaptive Card attachment; the flow answers 202 Accepted
 * (200 from older connectors), 400 for a card it cannot read, 404 once the flow is deleted (the
 * channel is disabled), 429 with Retry-After.
 */
export function teamsProvider(settings: ProviderSettings): Provider {
  return {
    async send({ channel, content }: Delivery): Promise<DeliveryOutcome> {
      const url = channel.secrets.webhook_url;
      if (!url) return { kind: 'permanent', statusCode: null, error: 'the channel has no webhook URL' };
      const u = new URL(url);
      return sendAndClassify(settings, {
        provider: 'Teams',
        url,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(teamsBody(content)),
        // Workflow URLs carry their signature in the query (sig=...).
        secrets: [url, u.pathname, u.search.slice(1), u.searchParams.get('sig') ?? ''],
        goneDisables: true,
      });
    },
  };
}
