import type { MonitorType } from '@sentrypulse/shared';
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

/** The column holds the contract's enum (one definition, packages/shared). */
export type { MonitorType };
export type MonitorStatus = 'pending' | 'up' | 'down' | 'degraded' | 'paused';
export type CheckStatus = 'up' | 'down' | 'degraded';
export type IncidentStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';
export type IncidentSeverity = 'critical' | 'major' | 'minor';
export type IncidentKind = 'auto' | 'manual' | 'certificate';
/** What an automatic incident is about (NULL for manual and certificate incidents). */
export type IncidentCause = 'down' | 'degraded';
export type IncidentEventType = 'incident.opened' | 'incident.updated' | 'incident.resolved' | 'certificate.expiring' | 'incident.acknowledged';
export type DnsRecordType = 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT' | 'NS';

export interface MonitorsTable {
  id: Generated<number>;
  team_id: number;
  name: string;
  type: MonitorType;
  url: string | null;
  method: string | null;
  headers: JSONColumnType<Record<string, string> | null, string | null, string | null>;
  body: string | null;
  expected_status: string | null;
  keyword: string | null;
  keyword_absent: Defaulted<boolean | number>;
  json_path: string | null;
  json_expected: string | null;
  follow_redirects: Defaulted<boolean | number>;
  ssl_expiry_days: number | null;
  dns_record_type: DnsRecordType | null;
  dns_expected: JSONColumnType<string[] | null, string | null, string | null>;
  host: string | null;
  port: number | null;
  heartbeat_token: string | null;
  heartbeat_grace_seconds: number | null;
  last_heartbeat_at: Date | null;
  interval_seconds: number;
  timeout_ms: number;
  confirmations: Defaulted<number>;
  recovery_confirmations: Defaulted<number>;
  degraded_threshold_ms: number | null;
  /** Opt-in: a degraded streak of `confirmations` checks opens a performance incident (ADR 0014). */
  alert_on_degraded: Defaulted<boolean | number>;
  severity: Defaulted<IncidentSeverity>;
  regions: JSONColumnType<string[] | null, string | null, string | null>;
  /** The escalation policy alerts of this monitor follow (null: the team default, else its channels at once). */
  escalation_policy_id: Generated<number | null>;
  enabled: Defaulted<boolean | number>;
  status: Defaulted<MonitorStatus>;
  status_changed_at: Date | null;
  consecutive_failures: Defaulted<number>;
  consecutive_successes: Defaulted<number>;
  failing_since: Date | null;
  consecutive_degraded: Defaulted<number>;
  consecutive_fast: Defaulted<number>;
  degraded_since: Date | null;
  last_scheduled_at: Date | null;
  last_checked_at: Date | null;
  last_response_time_ms: number | null;
  last_error: string | null;
  cert_expires_at: Date | null;
  /** 24 h uptime, percent, truncated to 4 decimals (DECIMAL comes back as a string). */
  uptime_percentage: ColumnType<string | null, string | number | null, string | number | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface MonitorChecksTable {
  id: Generated<string>;
  monitor_id: number;
  team_id: number;
  status: CheckStatus;
  status_code: number | null;
  response_time_ms: number | null;
  dns_ms: number | null;
  connect_ms: number | null;
  tls_ms: number | null;
  ttfb_ms: number | null;
  error: string | null;
  cert_expires_at: Date | null;
  scheduled_at: Date | null;
  checked_at: Date;
}

export interface MonitorOutagesTable {
  id: Generated<string>;
  monitor_id: number;
  team_id: number;
  incident_id: number | null;
  started_at: Date;
  ended_at: Date | null;
}

export interface MonitorDailyTable {
  monitor_id: number;
  team_id: number;
  /** UTC date, 'YYYY-MM-DD' (the pool returns DATE columns as strings). */
  date: ColumnType<string, string, string>;
  checks: number;
  up_checks: number;
  degraded_checks: number;
  down_checks: number;
  monitored_seconds: number;
  downtime_seconds: number;
  maintenance_seconds: number;
  uptime: ColumnType<string | null, string | number | null, string | number | null>;
  avg_response_time_ms: number | null;
  p95_response_time_ms: number | null;
  updated_at: UpdatedAt;
}

export interface IncidentsTable {
  id: Generated<number>;
  team_id: number;
  monitor_id: number | null;
  kind: IncidentKind;
  cause: ColumnType<IncidentCause | null, IncidentCause | null | undefined, IncidentCause | null>;
  title: string;
  status: Defaulted<IncidentStatus>;
  severity: IncidentSeverity;
  started_at: Date;
  resolved_at: Date | null;
  acknowledged_by: number | null;
  acknowledged_at: Date | null;
  /** Acknowledged from a signed link: the channel's recipient (ADR 0120). */
  acknowledged_via: Generated<string | null>;
  postmortem: string | null;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  open_monitor_key: ColumnType<string | null, never, never>;
}

export interface IncidentUpdatesTable {
  id: Generated<number>;
  incident_id: number;
  team_id: number;
  status: IncidentStatus;
  message: string;
  created_by: number | null;
  created_at: CreatedAt;
}

export interface IncidentMonitorsTable {
  incident_id: number;
  monitor_id: number;
  team_id: number;
}

export interface IncidentStatusPagesTable {
  incident_id: number;
  status_page_id: number;
  team_id: number;
}

export interface MaintenanceWindowsTable {
  id: Generated<number>;
  team_id: number;
  title: string;
  description: string | null;
  starts_at: Date;
  ends_at: Date;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface MaintenanceMonitorsTable {
  maintenance_id: number;
  monitor_id: number;
  team_id: number;
}

export interface IncidentEventsTable {
  id: Generated<string>;
  team_id: number;
  incident_id: number;
  monitor_id: number | null;
  update_id: number | null;
  type: IncidentEventType;
  created_at: CreatedAt;
  queued_at: Date | null;
}

export interface MonitoringTables {
  monitors: MonitorsTable;
  monitor_checks: MonitorChecksTable;
  monitor_outages: MonitorOutagesTable;
  monitor_daily: MonitorDailyTable;
  incidents: IncidentsTable;
  incident_updates: IncidentUpdatesTable;
  incident_monitors: IncidentMonitorsTable;
  incident_status_pages: IncidentStatusPagesTable;
  maintenance_windows: MaintenanceWindowsTable;
  maintenance_monitors: MaintenanceMonitorsTable;
  incident_events: IncidentEventsTable;
}
