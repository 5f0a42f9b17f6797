import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export type SubscriberType = 'email' | 'webhook' | 'slack' | 'discord';
export type SubscriberStatus = 'pending' | 'active' | 'unsubscribed';
export type NoticeKind =
  | 'incident.opened'
  | 'incident.updated'
  | 'incident.resolved'
  | 'maintenance.scheduled'
  | 'maintenance.started'
  | 'maintenance.ended';
export type SubscriberMessageKind = NoticeKind | 'subscription.confirm' | 'subscription.verify' | 'subscription.welcome';
export type SubscriberDeliveryStatus = 'pending' | 'sent' | 'failed' | 'skipped';

/** The public words of a notice, frozen when the notice is made (only what the page shows). */
export interface NoticeContent {
  page: { slug: string; title: string; logo_url: string | null; accent_color: string | null };
  title: string;
  /** incident status or maintenance phase, for the subject line */
  status: string;
  message: string;
  components: string[];
  incident_id: number | null;
  maintenance_id: number | null;
  starts_at: string | null;
  ends_at: string | null;
  occurred_at: string;
}

export interface StatusPageSubscribersTable {
  id: Generated<string>;
  team_id: number;
  status_page_id: number;
  type: SubscriberType;
  status: Defaulted<SubscriberStatus>;
  address: string | null;
  address_hash: string;
  /** status_page_components ids; NULL = every component of the page. */
  component_ids: ColumnType<number[] | null, string | null, string | null>;
  secret_ciphertext: string | null;
  token_nonce: string;
  confirm_token_hash: string | null;
  confirm_nonce: string | null;
  confirm_expires_at: Date | null;
  confirmed_at: Date | null;
  unsubscribed_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SubscriberNoticesTable {
  id: Generated<string>;
  team_id: number;
  status_page_id: number;
  kind: NoticeKind;
  notice_key: string;
  incident_id: number | null;
  maintenance_id: number | null;
  component_ids: JSONColumnType<number[], string, string>;
  content: JSONColumnType<NoticeContent, string, string>;
  created_at: CreatedAt;
  fanned_out_at: Date | null;
}

export interface SubscriberDeliveriesTable {
  id: Generated<string>;
  team_id: number;
  status_page_id: number;
  subscriber_id: string | number;
  subscriber_type: SubscriberType;
  notice_id: string | number | null;
  kind: SubscriberMessageKind;
  message_key: string;
  status: Defaulted<SubscriberDeliveryStatus>;
  attempts: Defaulted<number>;
  last_error: string | null;
  provider_status_code: number | null;
  provider_message_id: string | null;
  idempotency_key: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  last_attempt_at: Date | null;
  sent_at: Date | null;
}

export interface MaintenanceSeriesTable {
  id: Generated<number>;
  team_id: number;
  title: string;
  description: string | null;
  rrule: string;
  timezone: string;
  starts_at_local: string;
  duration_minutes: number;
  monitor_ids: JSONColumnType<number[], string, string>;
  created_by: number | null;
  expanded_until: Date | null;
  created_at: CreatedAt;
}

export interface MaintenanceOccurrencesTable {
  series_id: number;
  starts_at: Date;
  window_id: number;
}

export interface MonitorBadgesTable {
  monitor_id: number;
  team_id: number;
  public_key: string;
  label: string | null;
  created_at: CreatedAt;
}

export interface CustomDomainClaimsTable {
  status_page_id: number;
  team_id: number;
  domain: string;
  status: Defaulted<'pending' | 'verified' | 'lost'>;
  created_at: CreatedAt;
  expires_at: Date;
  verified_at: Date | null;
  last_checked_at: Date | null;
  last_error: string | null;
  lost_notified_at: Date | null;
}

export interface SubscribersTables {
  custom_domain_claims: CustomDomainClaimsTable;
  monitor_badges: MonitorBadgesTable;
  maintenance_series: MaintenanceSeriesTable;
  maintenance_occurrences: MaintenanceOccurrencesTable;
  status_page_subscribers: StatusPageSubscribersTable;
  subscriber_notices: SubscriberNoticesTable;
  subscriber_deliveries: SubscriberDeliveriesTable;
}
