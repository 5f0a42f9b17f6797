import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export type ChannelType = 'email' | 'telegram' | 'whatsapp' | 'webhook' | 'slack' | 'discord' | 'teams' | 'pagerduty' | 'opsgenie' | 'ntfy' | 'pushover' | 'sms';
export type AlertEventType =
  | 'incident.opened'
  | 'incident.updated'
  | 'incident.resolved'
  | 'certificate.expiring'
  | 'test'
  | 'incident.acknowledged'
  | 'incident.escalated'
  | 'incident.reminder';
export type AlertStatus = 'pending' | 'sent' | 'failed' | 'suppressed';

export interface NotificationChannelsTable {
  id: Generated<number>;
  team_id: number;
  type: ChannelType;
  name: string;
  /** The non-secret part of the channel configuration. */
  config: JSONColumnType<Record<string, unknown>, string, string>;
  /** AES-256-GCM of the JSON secret part (see secrets.ts); NULL when the type has no secret. */
  secret_ciphertext: string | null;
  is_default: Defaulted<boolean | number>;
  enabled: Defaulted<boolean | number>;
  disabled_reason: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface MonitorChannelsTable {
  monitor_id: number;
  channel_id: number;
  team_id: number;
}

export interface AlertsSentTable {
  id: Generated<string>;
  team_id: number;
  channel_id: number;
  channel_type: ChannelType;
  /** incident_events.id (BIGINT, comes back as a number or string); NULL for tests. */
  event_id: string | number | null;
  event_key: string;
  event_type: AlertEventType;
  incident_id: number | null;
  monitor_id: number | null;
  status: Defaulted<AlertStatus>;
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

export interface FailedJobsTable {
  id: Generated<string>;
  queue: string;
  job_id: string;
  name: string;
  team_id: number | null;
  data: JSONColumnType<Record<string, unknown>, string, string>;
  error: string;
  attempts: Defaulted<number>;
  failed_at: UpdatedAt;
}

export interface AlertsTables {
  notification_channels: NotificationChannelsTable;
  monitor_channels: MonitorChannelsTable;
  alerts_sent: AlertsSentTable;
  failed_jobs: FailedJobsTable;
}
