import { smsText } from '../message';
import { jsonField, sendAndClassify } from './http';
import type { Delivery, DeliveryOutcome, Provider, ProviderSettings } from './types';

/**
 * SMS through a Twilio-compatible Messages API (`POST /2010-04-01/Accounts/<sid>/Messages.json`,
 * form `To`, `From`, `Body`, HTTP basic auth sid:token): one 160-character GSM-7 segment with the
 * acknowledge link. 201 answers the message (`sid` kept); 400 (bad number, code 21211…) and 401 are
 * permanent; 429 (code 20429) and 5xx are retried.
 */
export function smsProvider(settings: ProviderSettings): Provider {
  return {
    async send({ channel, content }: Delivery): Promise<DeliveryOutcome> {
      const token = channel.secrets.auth_token;
      const sid = String(channel.config.account_sid ?? '');
      if (!token || !sid) return { kind: 'permanent', statusCode: null, error: 'the channel has no account SID or auth token' };
      const form = new URLSearchParams({ To: String(channel.config.to), From: String(channel.config.from), Body: smsText(content) });
      return sendAndClassify(settings, {
        provider: 'SMS',
        url: `${settings.twilioApiBase ?? 'https://api.twilio.com'}/2010-04-01/Accounts/${encodeURIComponent(sid)}/Messages.json`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}` },
        body: form.toString(),
        secrets: [token, Buffer.from(`${sid}:${token}`).toString('base64')],
        messageId: jsonField('sid'),
      });
    },
  };
}
