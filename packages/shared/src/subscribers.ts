import { z } from 'zod';
import { Email, Id, IdParam, IsoDateTime, paginated } from './common';
import { outboundUrl } from './channels';

/**
 * Status-page subscribers (SPEC 10, 17). Public side: subscribe, confirm, unsubscribe, manage;
 * team side: list, remove, export, pause. Emails are personal data: never on public answers.
 */

export const SUBSCRIBER_TYPES = ['email', 'webhook', 'slack', 'discord'] as const;
export const SubscriberType = z.enum(SUBSCRIBER_TYPES);
export type SubscriberType = z.infer<typeof SubscriberType>;

/** Subscribers per page by plan (on top of PLAN_LIMITS, kept here so the plans table stays as it is). */
export const SUBSCRIBER_LIMITS = { free: 500, pro: 10_000, business: 100_000 } as const;

/** A subscriber-given URL: absolute, at most 2048 chars, no credentials; https (http only when private targets are allowed, checked by the API). */
export const SubscriberUrl = outboundUrl({
  invalid: 'must be an absolute https URL',
  protocol: 'must use https',
  credentials: 'must not contain credentials (user:password@)',
});

const ComponentIds = z.array(Id).max(200, 'must name at most 200 components').optional();

export const SubscribeBody = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('email'), email: Email, component_ids: ComponentIds }),
  z.strictObject({ type: z.enum(['webhook', 'slack', 'discord']), url: SubscriberUrl, component_ids: ComponentIds }),
]);
export type SubscribeBody = z.infer<typeof SubscribeBody>;

/** The one answer to every well-formed subscribe request (no enumeration). */
export const SubscribeAccepted = z.object({
  status: z.literal('accepted'),
  message: z.string(),
});
export const SUBSCRIBE_ACCEPTED_MESSAGE =
  'If this address can receive notices for this page, a confirmation is on its way. Nothing is sent until it is confirmed.';

export const SubscriptionTokenBody = z.strictObject({ token: z.string().trim().min(10).max(200) });

export const SubscriptionConfirmed = z.object({
  status: z.literal('confirmed'),
  page: z.object({ slug: z.string(), title: z.string() }),
});

export const Unsubscribed = z.object({ status: z.literal('unsubscribed') });

/** What the manage page shows to the holder of a manage token (never the address in full). */
export const ManageSubscription = z.object({
  page: z.object({ slug: z.string(), title: z.string() }),
  type: SubscriberType,
  address_hint: z.string().describe('e.g. a***@example.com or hooks.slack.com'),
  status: z.enum(['pending', 'active', 'unsubscribed']),
  component_ids: z.array(Id).nullable().describe('null = every component'),
  components: z.array(z.object({ id: Id, name: z.string(), group: z.string().nullable() })),
});
export type ManageSubscription = z.infer<typeof ManageSubscription>;

export const UpdateSubscriptionBody = z.strictObject({
  token: z.string().trim().min(10).max(200),
  component_ids: z.array(Id).max(200).nullable(),
});

export const Subscriber = z.object({
  id: z.string(),
  type: SubscriberType,
  email: z.string().optional(),
  url: z.string().optional(),
  status: z.enum(['pending', 'active', 'unsubscribed']),
  confirmed: z.boolean(),
  component_ids: z.array(Id),
  created_at: IsoDateTime,
});
export type Subscriber = z.infer<typeof Subscriber>;
export const SubscriberList = paginated(Subscriber).extend({
  counts: z.object({ active: z.number().int(), pending: z.number().int() }),
});
export type SubscriberList = z.infer<typeof SubscriberList>;
export type SubscriberDelivery = z.infer<typeof SubscriberDelivery>;

export const SubscriberListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(40).optional(),
  q: z.string().trim().max(200).optional(),
  status: z.enum(['pending', 'active']).optional(),
});

export const SubscriberParams = z.strictObject({ teamId: IdParam, statusPageId: IdParam, subscriberId: z.string().regex(/^[1-9]\d{0,19}$/, 'must be a subscriber id') });

export const NoticeSettingsBody = z.strictObject({ notices_paused: z.boolean() });
export const NoticeSettings = z.object({ notices_paused: z.boolean(), active: z.number().int(), pending: z.number().int() });

/** The subscriber side of the delivery log (one row per message to one subscriber). */
export const SubscriberDeliveryKind = z.enum([
  'incident.opened',
  'incident.updated',
  'incident.resolved',
  'maintenance.scheduled',
  'maintenance.started',
  'maintenance.ended',
  'subscription.confirm',
  'subscription.verify',
  'subscription.welcome',
]);
export const SubscriberDelivery = z.object({
  id: z.string(),
  status_page_id: Id,
  subscriber_id: z.string(),
  subscriber_type: SubscriberType,
  kind: SubscriberDeliveryKind,
  notice_id: z.string().nullable(),
  status: z.enum(['pending', 'sent', 'failed', 'skipped']),
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  provider_status_code: z.number().int().nullable(),
  idempotency_key: z.string(),
  created_at: IsoDateTime,
  last_attempt_at: IsoDateTime.nullable(),
  sent_at: IsoDateTime.nullable(),
});
export const SubscriberDeliveryList = paginated(SubscriberDelivery);
export const SubscriberDeliveryQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(40).optional(),
  status_page_id: IdParam.optional(),
  status: z.enum(['pending', 'sent', 'failed', 'skipped']).optional(),
  kind: SubscriberDeliveryKind.optional(),
});

/** Custom-domain verification state of a page (ADR 0137). */
export const DomainStatus = z.object({
  domain: z.string().nullable(),
  status: z.enum(['none', 'pending', 'verified', 'lost']),
  txt_name: z.string().nullable(),
  txt_value: z.string().nullable(),
  expires_at: z.string().nullable(),
  verified_at: z.string().nullable(),
  last_checked_at: z.string().nullable(),
  last_error: z.string().nullable(),
});
export type DomainStatus = z.infer<typeof DomainStatus>;

/** A monitor's public badge (ADR 0136): off by default. */
export const BadgeSettings = z.object({
  enabled: z.boolean(),
  label: z.string().nullable(),
  urls: z.object({ status_svg: z.string(), uptime_svg: z.string(), response_time_svg: z.string(), status_json: z.string(), shields: z.string() }).nullable(),
});
export type BadgeSettings = z.infer<typeof BadgeSettings>;
export const BadgeBody = z.strictObject({ enabled: z.boolean(), label: z.string().trim().min(1).max(40).nullable().optional() });

/** A monitor badge as a shields.io endpoint (https://shields.io/badges/endpoint-badge). */
export const ShieldsEndpoint = z.object({ schemaVersion: z.literal(1), label: z.string(), message: z.string(), color: z.string() });
export type ShieldsEndpoint = z.infer<typeof ShieldsEndpoint>;
