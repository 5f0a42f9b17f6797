import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

/** One escalation step as stored: wait `delay_seconds` after the incident opened, then notify. */
export interface StoredEscalationStep {
  delay_seconds: number;
  channel_ids: number[];
}

/** The policy a running escalation follows (a snapshot taken when the incident opened). */
export interface EscalationSnapshot {
  steps: StoredEscalationStep[];
  repeat: number;
  remind_every_seconds: number | null;
}

export interface EscalationPoliciesTable {
  id: Generated<number>;
  team_id: number;
  name: string;
  steps: JSONColumnType<StoredEscalationStep[], string, string>;
  repeat_count: Defaulted<number>;
  remind_every_seconds: number | null;
  is_default: Defaulted<boolean | number>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type EscalationStopReason = 'acknowledged' | 'resolved' | 'exhausted';

export interface IncidentEscalationsTable {
  incident_id: number;
  team_id: number;
  policy_id: number | null;
  policy: JSONColumnType<EscalationSnapshot, string, string>;
  started_at: Date;
  /** The newest step that fired: round (0-based repeat) and step index (0-based). */
  last_round: Defaulted<number>;
  last_step: Defaulted<number>;
  next_at: Date | null;
  reminders_sent: Defaulted<number>;
  stopped_at: Date | null;
  stopped_reason: EscalationStopReason | null;
}

export interface AckLinkUsesTable {
  nonce: string;
  team_id: number;
  incident_id: number;
  channel_id: number | null;
  used_at: CreatedAt;
}

export interface OncallTables {
  escalation_policies: EscalationPoliciesTable;
  incident_escalations: IncidentEscalationsTable;
  ack_link_uses: AckLinkUsesTable;
}
