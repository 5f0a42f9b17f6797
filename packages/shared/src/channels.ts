import { z } from 'zod';
import { Email, Id, IdParam, IsoDateTime, paginated } from './common';

/** Notification channels and the delivery log: the API contract (SPEC 4.4, 7). */

export const ChannelType = z.enum(['email', 'telegram', 'whatsapp', 'webhook']);
export type ChannelType = z.infer<typeof ChannelType>;
export const AlertEventType = z.enum(['incident.opened', 'incident.updated', 'incident.resolved', 'certificate.expiring', 'test']);
export type AlertEventType = z.infer<typeof AlertEventType>;
/** `suppressed`: the event fell inside a maintenance window, nothing was sent. */
export const AlertStatus = z.enum(['pending', 'sent', 'failed', 'suppressed']);
export type AlertStatus = z.infer<typeof AlertStatus>;

/** Which config fields of each type are secret: encrypted at rest, masked in every answer. */
export const SECRET_FIELDS: Record<ChannelType, readonly string[]> = {
  email: [],
  telegram: ['bot_token'],
  whatsapp: ['access_token'],
  webhook: ['secret'],
};

/** Bot API tokens look like `123456789:AA...` (bot id, colon, 35 url-safe characters). */
export const TELEGRAM_TOKEN = /^\d{3,15}:[A-Za-z0-9_-]{30,64}$/;
/** Standard Webhooks secret: `whsec_` + base64 of 24..64 random bytes. */
export const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;

export const WebhookUrl = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .superRefine((u, ctx) => {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute http(s) URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'must use http or https' });
    if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'must not contain credentials (user:password@); use the signing secret to authenticate' });
    }
  })
  .meta({ format: 'uri' });

const Recipients = z
  .union([Email, z.array(Email).min(1, 'must name at least one address').max(20, 'must have at most 20 addresses')])
  .transform((v) => [...new Set(Array.isArray(v) ? v : [v])]);

const WhatsAppTemplate = z.strictObject({
  name: z.string().trim().regex(/^[a-z0-9_]{1,512}$/, 'must be a template name (lowercase letters, digits, underscores)'),
  language: z.string().trim().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, "must be a language code such as 'en' or 'en_US'").default('en_US'),
});

export const EmailConfig = z.strictObject({ to: Recipients });
export const TelegramConfig = z.strictObject({
  bot_token: z.string().trim().regex(TELEGRAM_TOKEN, "must be a Bot API token such as '123456789:AAE...' (from @BotFather)"),
  chat_id: z.union([
    z.number().int().refine((n) => n !== 0, 'must be a chat id'),
    z.string().trim().regex(/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/, 'must be a numeric chat id or @channelname'),
  ]),
});
export const WhatsAppConfig = z.strictObject({
  phone_number_id: z.string().trim().regex(/^\d{5,20}$/, 'must be the numeric phone number id from the WhatsApp Business account'),
  access_token: z.string().trim().min(20, 'must be a WhatsApp Cloud API access token').max(1000).regex(/^[A-Za-z0-9_\-.]+$/, 'must be a WhatsApp Cloud API access token'),
  to: z.string().trim().regex(/^\+?[1-9]\d{6,14}$/, 'must be a phone number in international format (E.164)').transform((s) => s.replace(/^\+/, '')),
  template: WhatsAppTemplate.optional(),
});
export const WebhookConfig = z.strictObject({
  url: WebhookUrl,
  secret: z.string().trim().regex(WEBHOOK_SECRET, "must be a Standard Webhooks secret ('whsec_' + base64 of at least 24 bytes)").optional(),
});

export const CHANNEL_CONFIG = { email: EmailConfig, telegram: TelegramConfig, whatsapp: WhatsAppConfig, webhook: WebhookConfig } as const;

const ChannelName = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const common = { name: ChannelName, is_default: z.boolean().optional(), enabled: z.boolean().optional() };

export const CreateChannelBody = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('email'), config: EmailConfig, ...common }),
    z.strictObject({ type: z.literal('telegram'), config: TelegramConfig, ...common }),
    z.strictObject({ type: z.literal('whatsapp'), config: WhatsAppConfig, ...common }),
    z.strictObject({ type: z.literal('webhook'), config: WebhookConfig, ...common }),
  ],
  { error: "type must be one of 'email', 'telegram', 'whatsapp', 'webhook'" },
);
export type CreateChannelBody = z.infer<typeof CreateChannelBody>;

/**
 * `config`, when given, is checked against the channel's type; secret fields left out keep their
 * stored value (clients never see them again). Enabling a channel clears its disabled_reason.
 */
export const UpdateChannelBody = z.strictObject({
  name: ChannelName.optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  is_default: z.boolean().optional(),
  enabled: z.boolean().optional(),
});
export type UpdateChannelBody = z.infer<typeof UpdateChannelBody>;

export const ChannelParams = z.strictObject({ teamId: IdParam, channelId: IdParam });

export const Channel = z.object({
  id: Id,
  type: ChannelType,
  name: z.string(),
  /** Non-secret fields in full; secret fields masked (`whsec_…k3Zq`). */
  config: z.record(z.string(), z.unknown()),
  is_default: z.boolean(),
  enabled: z.boolean(),
  disabled_reason: z.string().nullable(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Channel = z.infer<typeof Channel>;
export const ChannelList = paginated(Channel);

/** The create answer: the channel plus, once, the generated webhook signing secret. */
export const CreatedChannel = Channel.extend({
  secret: z.string().nullable().describe('The generated whsec_ signing secret; shown only in this answer'),
});

export const Alert = z.object({
  id: z.string(),
  channel_id: Id,
  channel_type: ChannelType,
  event_type: AlertEventType,
  event_id: z.string().nullable(),
  incident_id: Id.nullable(),
  monitor_id: Id.nullable(),
  status: AlertStatus,
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  provider_status_code: z.number().int().nullable(),
  idempotency_key: z.string(),
  created_at: IsoDateTime,
  last_attempt_at: IsoDateTime.nullable(),
  sent_at: IsoDateTime.nullable(),
});
export type Alert = z.infer<typeof Alert>;
export const AlertList = paginated(Alert);

export const AlertListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(40).optional(),
  channel_id: IdParam.optional(),
  status: AlertStatus.optional(),
  event_type: AlertEventType.optional(),
});

/** "Send test": queued at once; its outcome shows in the delivery log under this id. */
export const TestAlertResult = z.object({ alert_id: z.string(), status: AlertStatus });

/** The webhook body (SPEC 7), Standard Webhooks shape. */
export const WebhookPayload = z.object({
  type: AlertEventType,
  timestamp: IsoDateTime,
  data: z.object({
    incident: z
      .object({
        id: Id,
        title: z.string(),
        status: z.string(),
        severity: z.string(),
        /** Automatic incidents: `down` (outage) or `degraded` (performance); null otherwise. */
        cause: z.enum(['down', 'degraded']).nullable(),
        started_at: IsoDateTime,
        resolved_at: IsoDateTime.nullable(),
        url: z.string(),
      })
      .nullable(),
    monitor: z
      .object({
        id: Id,
        name: z.string(),
        type: z.string(),
        target: z.string().nullable(),
        status: z.string(),
        status_code: z.number().int().nullable(),
        error: z.string().nullable(),
        url: z.string(),
      })
      .nullable(),
  }),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;
