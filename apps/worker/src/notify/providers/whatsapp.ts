import { ForbiddenAddressError, guardedRequest } from '../../outbound';
import { parseRetryAfter, safeError, type Delivery, type DeliveryOutcome, type Provider, type ProviderSettings } from './types';

interface GraphError {
  error?: { message?: string; type?: string; code?: number; error_subcode?: number; error_data?: { details?: string } };
  messages?: Array<{ id?: string }>;
}

/**
 * WhatsApp Cloud API error codes worth retrying (Meta "Error codes" reference): throttling and
 * temporary service problems. Everything else (bad token 190, invalid parameter 100, permissions
 * 10/200, outside the 24 h window 131047, undeliverable 131026, template problems 132xxx) needs a
 * person to fix something, so it is permanent.
 */
export const WHATSAPP_RETRYABLE_CODES = new Set([1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131048, 131056, 133004]);

export function classifyWhatsAppError(httpStatus: number, code: number | undefined): 'retryable' | 'permanent' {
  if (code !== undefined) return WHATSAPP_RETRYABLE_CODES.has(code) ? 'retryable' : 'permanent';
  return httpStatus === 429 || httpStatus === 408 || httpStatus >= 500 ? 'retryable' : 'permanent';
}

/**
 * WhatsApp Business Cloud API `POST /<phone_number_id>/messages`: a template message with three body
 * parameters when the channel names a template (works outside the 24 h service window), otherwise
 * a text message.
 */
export function whatsappProvider(settings: ProviderSettings): Provider {
  return {
    async send({ channel, content }: Delivery): Promise<DeliveryOutcome> {
      const token = channel.secrets.access_token;
      if (!token) return { kind: 'permanent', statusCode: null, error: 'the channel has no access token' };
      const cfg = channel.config as { phone_number_id: string; to: string; template?: { name: string; language: string } };
      const message = cfg.template
        ? {
            type: 'template',
            template: {
              name: cfg.template.name,
              language: { code: cfg.template.language },
              components: [{ type: 'body', parameters: content.templateParams.map((text) => ({ type: 'text', text })) }],
            },
          }
        : { type: 'text', text: { preview_url: false, body: content.text.slice(0, 4096) } };
      let res;
      try {
        res = await guardedRequest(
          `${settings.whatsappApiBase}/${encodeURIComponent(cfg.phone_number_id)}/messages`,
          {
            method: 'POST',
            timeoutMs: settings.timeoutMs,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to: cfg.to, ...message }),
          },
          { allowPrivate: settings.allowPrivate },
        );
      } catch (err) {
        if (err instanceof ForbiddenAddressError) return { kind: 'permanent', statusCode: null, error: safeError(err, [token]) };
        return { kind: 'retryable', statusCode: null, error: safeError(err, [token]) };
      }
      let answer: GraphError = {};
      try {
        answer = (await res.json()) as GraphError;
      } catch {
        // not JSON: judged by the status alone
      }
      const status = res.status;
      if (status >= 200 && status < 300) return { kind: 'delivered', statusCode: status, messageId: answer.messages?.[0]?.id ?? null };
      const code = answer.error?.code;
      const error = safeError(`WhatsApp answered ${status}${code !== undefined ? ` (code ${code})` : ''}: ${answer.error?.message ?? 'no error message'}`, [token]);
      // The stored provider code is Meta's error code when there is one: it says more than the HTTP status.
      const statusCode = code ?? status;
      if (classifyWhatsAppError(status, code) === 'retryable') {
        const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
        return { kind: 'retryable', statusCode, error, ...(retryAfterMs !== null ? { retryAfterMs } : {}) };
      }
      return { kind: 'permanent', statusCode, error };
    },
  };
}
