import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they take Kysely<any> and never import app types.
export async function up(db: Kysely<any>): Promise<void> {
  // config holds the non-secret part of a channel (webhook URL, chat id, recipients); the secret
  // part (bot token, access token, webhook signing secret) is AES-256-GCM ciphertext (ADR 0020).
  await sql`
    CREATE TABLE notification_channels (
      id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      team_id INT UNSIGNED NOT NULL,
      type ENUM('email','telegram','whatsapp','webhook') NOT NULL,
      name VARCHAR(100) NOT NULL,
      config JSON NOT NULL,
      secret_ciphertext VARCHAR(2048) NULL,
      is_default BOOLEAN NOT NULL DEFAULT FALSE,
      enabled BOOLEAN NOT NULL DEFAULT TRUE,
      disabled_reason VARCHAR(255) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      KEY notification_channels_team_idx (team_id, id),
      KEY notification_channels_default_idx (team_id, is_default),
      CONSTRAINT notification_channels_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  `.execute(db);

  await sql`
    CREATE TABLE monitor_channels (
      monitor_id INT UNSIGNED NOT NULL,
      channel_id INT UNSIGNED NOT NULL,
      team_id INT UNSIGNED NOT NULL,
      PRIMARY KEY (monitor_id, channel_id),
      KEY monitor_channels_channel_idx (channel_id),
      CONSTRAINT monitor_channels_monitor_fk FOREIGN KEY (monitor_id) REFERENCES monitors (id) ON DELETE CASCADE,
      CONSTRAINT monitor_channels_channel_fk FOREIGN KEY (channel_id) REFERENCES notification_channels (id) ON DELETE CASCADE,
      CONSTRAINT monitor_channels_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  `.execute(db);

  // One row per (event, channel): event_key is 'event:<incident_events.id>' or 'test:<uuid>', and the
  // unique key makes a replayed fan-out job a no-op. idempotency_key is the webhook-id sent on every
  // attempt, so a receiver can drop the duplicate a crashed worker's retry produces (ADR 0021).
  await sql`
    CREATE TABLE alerts_sent (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      team_id INT UNSIGNED NOT NULL,
      channel_id INT UNSIGNED NOT NULL,
      channel_type ENUM('email','telegram','whatsapp','webhook') NOT NULL,
      event_id BIGINT UNSIGNED NULL,
      event_key VARCHAR(64) NOT NULL,
      event_type ENUM('incident.opened','incident.updated','incident.resolved','certificate.expiring','test') NOT NULL,
      incident_id INT UNSIGNED NULL,
      monitor_id INT UNSIGNED NULL,
      status ENUM('pending','sent','failed','suppressed') NOT NULL DEFAULT 'pending',
      attempts SMALLINT UNSIGNED NOT NULL DEFAULT 0,
      last_error VARCHAR(500) NULL,
      provider_status_code INT NULL,
      provider_message_id VARCHAR(255) NULL,
      idempotency_key VARCHAR(64) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      last_attempt_at DATETIME(3) NULL,
      sent_at DATETIME(3) NULL,
      UNIQUE KEY alerts_sent_event_channel_uq (event_key, channel_id),
      KEY alerts_sent_team_idx (team_id, id),
      KEY alerts_sent_team_channel_idx (team_id, channel_id, id),
      KEY alerts_sent_team_status_idx (team_id, status, id),
      KEY alerts_sent_channel_idx (channel_id),
      CONSTRAINT alerts_sent_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE,
      CONSTRAINT alerts_sent_channel_fk FOREIGN KEY (channel_id) REFERENCES notification_channels (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  `.execute(db);

  // Dead letters mirrored from BullMQ once a job has used its attempts. Job data carries ids only
  // (never secrets). Unique per (queue, job_id) so recording twice is harmless.
  await sql`
    CREATE TABLE failed_jobs (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      queue VARCHAR(100) NOT NULL,
      job_id VARCHAR(255) NOT NULL,
      name VARCHAR(100) NOT NULL,
      team_id INT UNSIGNED NULL,
      data JSON NOT NULL,
      error TEXT NOT NULL,
      attempts SMALLINT UNSIGNED NOT NULL DEFAULT 0,
      failed_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      UNIQUE KEY failed_jobs_queue_job_uq (queue, job_id),
      KEY failed_jobs_failed_at_idx (failed_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['failed_jobs', 'alerts_sent', 'monitor_channels', 'notification_channels']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
