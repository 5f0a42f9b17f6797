import { sql, type Kysely } from 'kysely';

const CHANNEL_TYPES = `'email','telegram','whatsapp','webhook','slack','discord','teams','pagerduty','opsgenie','ntfy','pushover','sms'`;
const ALERT_EVENTS = `'incident.opened','incident.updated','incident.resolved','certificate.expiring','test','incident.acknowledged','incident.escalated','incident.reminder'`;
const INCIDENT_EVENTS = `'incident.opened','incident.updated','incident.resolved','certificate.expiring','incident.acknowledged'`;

// On-call (SPEC 11, ADR 0120): eight more channel types, escalation policies and their per-incident
// state, acknowledgements from signed links. Frozen in time: Kysely<any>, no app types.
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`ALTER TABLE notification_channels MODIFY type ENUM(${CHANNEL_TYPES}) NOT NULL`).execute(db);
  await sql.raw(`ALTER TABLE alerts_sent MODIFY channel_type ENUM(${CHANNEL_TYPES}) NOT NULL, MODIFY event_type ENUM(${ALERT_EVENTS}) NOT NULL`).execute(db);
  await sql.raw(`ALTER TABLE incident_events MODIFY type ENUM(${INCIDENT_EVENTS}) NOT NULL`).execute(db);
  // Who acknowledged from a link (no user): the channel's recipient, e.g. "Slack: #ops (link)".
  await sql`ALTER TABLE incidents ADD COLUMN acknowledged_via VARCHAR(200) NULL`.execute(db);

  // steps: JSON [{delay_seconds, channel_ids}] in order; channel ids are checked against the team
  // on write and filtered to existing, enabled channels on use (a deleted channel drops out).
  await sql`
    CREATE TABLE escalation_policies (
      id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      team_id INT UNSIGNED NOT NULL,
      name VARCHAR(100) NOT NULL,
      steps JSON NOT NULL,
      repeat_count TINYINT UNSIGNED NOT NULL DEFAULT 0,
      remind_every_seconds INT UNSIGNED NULL,
      is_default BOOLEAN NOT NULL DEFAULT FALSE,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      KEY escalation_policies_team_idx (team_id, id),
      CONSTRAINT escalation_policies_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  `.execute(db);

  await sql`ALTER TABLE monitors ADD COLUMN escalation_policy_id INT UNSIGNED NULL,
    ADD CONSTRAINT monitors_escalation_policy_fk FOREIGN KEY (escalation_policy_id) REFERENCES escalation_policies (id) ON DELETE SET NULL`.execute(db);

  // One row per incident that runs a policy: the policy as it was when the incident opened (edits
  // mid-incident do not reshuffle a running escalation), where it stands, and why it stopped.
  await sql`
    CREATE TABLE incident_escalations (
      incident_id INT UNSIGNED NOT NULL PRIMARY KEY,
      team_id INT UNSIGNED NOT NULL,
      policy_id INT UNSIGNED NULL,
      policy JSON NOT NULL,
      started_at DATETIME(3) NOT NULL,
      last_round SMALLINT UNSIGNED NOT NULL DEFAULT 0,
      last_step SMALLINT UNSIGNED NOT NULL DEFAULT 0,
      next_at DATETIME(3) NULL,
      reminders_sent SMALLINT UNSIGNED NOT NULL DEFAULT 0,
      stopped_at DATETIME(3) NULL,
      stopped_reason ENUM('acknowledged','resolved','exhausted') NULL,
      KEY incident_escalations_team_idx (team_id, incident_id),
      CONSTRAINT incident_escalations_incident_fk FOREIGN KEY (incident_id) REFERENCES incidents (id) ON DELETE CASCADE,
      CONSTRAINT incident_escalations_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  `.execute(db);

  // Signed acknowledge links are single-use: the nonce of a used link is kept here.
  await sql`
    CREATE TABLE ack_link_uses (
      nonce VARCHAR(64) NOT NULL PRIMARY KEY,
      team_id INT UNSIGNED NOT NULL,
      incident_id INT UNSIGNED NOT NULL,
      channel_id INT UNSIGNED NULL,
      used_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      CONSTRAINT ack_link_uses_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE,
      CONSTRAINT ack_link_uses_incident_fk FOREIGN KEY (incident_id) REFERENCES incidents (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ack_link_uses').ifExists().execute();
  await db.schema.dropTable('incident_escalations').ifExists().execute();
  await sql`ALTER TABLE monitors DROP FOREIGN KEY monitors_escalation_policy_fk, DROP COLUMN escalation_policy_id`.execute(db);
  await db.schema.dropTable('escalation_policies').ifExists().execute();
  await sql`ALTER TABLE incidents DROP COLUMN acknowledged_via`.execute(db);
}
