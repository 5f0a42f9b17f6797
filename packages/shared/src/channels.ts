import { z } from 'zod';
import { Email, Id, IdParam, IsoDateTime, paginated } from './common';

/** Notification channels and the delivery log: the API contract (SPEC 4.4, 7). */

export const ChannelType = z.enum(['email', 'telegram', 'whatsapp', 'webhook', 'slack', 'discord', 'teams', 'pagerduty', 'opsgenie', 'ntfy', 'pushover', 'sms']);
export type ChannelType = z.infer<typeof ChannelType>;
/**
 * `incident.acknowledged`: someone took the incident (forwarded to the channels that were told it
 * opened, ADR 0120); `incident.escalated`: a later escalation step's first message to its channels;
 * `incident.reminder`: "still down" while unresolved (SPEC 11).
 */
export const AlertEventType = z.enum([
  'incident.opened',
  'incident.updated',
  'incident.resolved',
  'certificate.expiring',
  'test',
  'incident.acknowledged',
  'incident.escalated',
  'incident.reminder',
]);
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
  // The whole incoming-webhook URL is the credential for Slack, Discord and Teams.
  slack: ['webhook_url'],
  discord: ['webhook_url'],
  teams: ['webhook_url'],
  pagerduty: ['routing_key'],
  opsgenie: ['api_key'],
  ntfy: ['token'],
  pushover: ['user_key', 'app_token'],
  sms: ['auth_token'],
};

/** Bot API tokens look like `123456789:AA...` (bot id, colon, 35 url-safe characters). */
export const TELEGRAM_TOKEN = /^\d{3,15}:[A-Za-z0-9_-]{30,64}$/;
/** Standard Webhooks secret: `whsec_` + base64 of 24..64 random bytes. */
export const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;

/**
 * A user-given outbound URL (a channel's or a subscriber's webhook): absolute, at most 2048
 * characters, http(s), no credentials. Whether plain http or a private host is allowed is the
 * API's SSRF policy, checked later. The messages say what the field is for.
 */
export function outboundUrl(messages: { invalid: string; protocol: string; credentials: string }) {
  return z
    .string()
    .trim()
    .max(2048, 'must be at most 2048 characters')
    .superRefine((u, ctx) => {
      let url: URL;
      try {
        url = new URL(u);
      } catch {
        ctx.addIssue({ code: 'custom', message: messages.invalid });
        return;
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: messages.protocol });
      if (url.username || url.password) ctx.addIssue({ code: 'custom', message: messages.credentials });
    });
}

export const WebhookUrl = outboundUrl({
  invalid: 'must be an absolute http(s) URL',
  protocol: 'must use http or https',
  credentials: 'must not contain credentials (user:password@); use the signing secret to authenticate',
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

/**
 * A chat incoming-webhook URL (Slack, Discord, Teams): https, no credentials. Plain http is let
 * through here and refused by the API unless OUTBOUND_ALLOW_PRIVATE=true (local servers); private
 * addresses are refused by the API and by the worker's guard at send time.
 */
export const ChatWebhookUrl = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .superRefine((u, ctx) => {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute https URL' });
      return;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') ctx.addIssue({ code: 'custom', message: 'must use https' });
    if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not contain credentials (user:password@)' });
  });

/** PagerDuty integration (routing) key: 32 letters and digits. */
export const PAGERDUTY_ROUTING_KEY = /^[A-Za-z0-9]{32}$/;
/** E.164: '+', country code, up to 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;

export const SlackConfig = z.strictObject({ webhook_url: ChatWebhookUrl });
export const DiscordConfig = z.strictObject({ webhook_url: ChatWebhookUrl });
export const TeamsConfig = z.strictObject({ webhook_url: ChatWebhookUrl });
export const PagerDutyConfig = z.strictObject({
  routing_key: z.string().trim().regex(PAGERDUTY_ROUTING_KEY, 'must be a PagerDuty Events API v2 integration key (32 letters and digits)'),
});
export const OpsgenieConfig = z.strictObject({
  api_key: z.string().trim().regex(/^[A-Za-z0-9-]{20,64}$/, 'must be an Opsgenie API integration key (a UUID)'),
  region: z.enum(['us', 'eu'], { error: "must be 'us' or 'eu'" }).default('us'),
});
export const NtfyConfig = z.strictObject({
  server_url: ChatWebhookUrl.optional(),
  topic: z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an ntfy topic (letters, digits, - and _, at most 64)'),
  token: z.string().trim().min(1).max(200).regex(/^[A-Za-z0-9_\-.]+$/, 'must be an ntfy access token (tk_…)').optional(),
});
export const PushoverConfig = z.strictObject({
  user_key: z.string().trim().regex(/^[A-Za-z0-9]{30}$/, 'must be a Pushover user or group key (30 letters and digits)'),
  app_token: z.string().trim().regex(/^[A-Za-z0-9]{30}$/, 'must be a Pushover application token (30 letters and digits)'),
});
export const SmsConfig = z.strictObject({
  account_sid: z.string().trim().regex(/^AC[0-9a-fA-F]{32}$/, "must be a Twilio Account SID ('AC' + 32 hex digits)"),
  auth_token: z.string().trim().regex(/^[A-Za-z0-9]{16,64}$/, 'must be a Twilio auth token'),
  from: z.string().trim().regex(E164, 'must be a phone number in E.164 format (+15551234567)'),
  to: z.string().trim().regex(E164, 'must be a phone number in E.164 format (+15551234567)'),
});

export const CHANNEL_CONFIG = {
  email: EmailConfig,
  telegram: TelegramConfig,
  whatsapp: WhatsAppConfig,
  webhook: WebhookConfig,
  slack: SlackConfig,
  discord: DiscordConfig,
  teams: TeamsConfig,
  pagerduty: PagerDutyConfig,
  opsgenie: OpsgenieConfig,
  ntfy: NtfyConfig,
  pushover: PushoverConfig,
  sms: SmsConfig,
} as const satisfies Record<ChannelType, z.ZodType>;

/** Channels with a user-given URL the API checks before storing (the worker's guard checks again). */
export const URL_FIELDS: Record<ChannelType, readonly string[]> = {
  email: [],
  telegram: [],
  whatsapp: [],
  webhook: ['url'],
  slack: ['webhook_url'],
  discord: ['webhook_url'],
  teams: ['webhook_url'],
  pagerduty: [],
  opsgenie: [],
  ntfy: ['server_url'],
  pushover: [],
  sms: [],
};

/**
 * Which channels also hear of an acknowledgement (ADR 0120): the incident tools that keep their
 * own state (PagerDuty, Opsgenie) and the shared rooms where a team watches; not the phones that
 * woke someone (SMS, Pushover, ntfy, WhatsApp) or inboxes.
 */
export const FORWARDS_ACK: Record<ChannelType, boolean> = {
  email: false,
  telegram: true,
  whatsapp: false,
  webhook: true,
  slack: true,
  discord: true,
  teams: true,
  pagerduty: true,
  opsgenie: true,
  ntfy: false,
  pushover: false,
  sms: false,
};

const ChannelName = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const common = { name: ChannelName, is_default: z.boolean().optional(), enabled: z.boolean().optional() };

export const CreateChannelBody = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('email'), config: EmailConfig, ...common }),
    z.strictObject({ type: z.literal('telegram'), config: TelegramConfig, ...common }),
    z.strictObject({ type: z.literal('whatsapp'), config: WhatsAppConfig, ...common }),
    z.strictObject({ type: z.literal('webhook'), config: WebhookConfig, ...common }),
    z.strictObject({ type: z.literal('slack'), config: SlackConfig, ...common }),
    z.strictObject({ type: z.literal('discord'), config: DiscordConfig, ...common }),
    z.strictObject({ type: z.literal('teams'), config: TeamsConfig, ...common }),
    z.strictObject({ type: z.literal('pagerduty'), config: PagerDutyConfig, ...common }),
    z.strictObject({ type: z.literal('opsgenie'), config: OpsgenieConfig, ...common }),
    z.strictObject({ type: z.literal('ntfy'), config: NtfyConfig, ...common }),
    z.strictObject({ type: z.literal('pushover'), config: PushoverConfig, ...common }),
    z.strictObject({ type: z.literal('sms'), config: SmsConfig, ...common }),
  ],
  { error: `type must be one of ${ChannelType.options.map((t) => `'${t}'`).join(', ')}` },
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
