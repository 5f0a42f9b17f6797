import { sql, type Kysely } from 'kysely';

// Status-page subscribers (SPEC 10, ADR 0130). Frozen in time: Kysely<any>, no app types.
export async function up(db: Kysely<any>): Promise<void> {
  // A team may pause every notice of a page (the subscribers stay).
  await sql`ALTER TABLE status_pages ADD COLUMN notices_paused BOOLEAN NOT NULL DEFAULT FALSE`.execute(db);

  // One row per (page, type, address). `address` is the email or URL and is erased on
  // unsubscribe; `address_hash` (HMAC of type and normalised address) stays so that a later
  // subscribe of the same address is recognised and goes through the opt-in again.
  // Tokens are never stored: the manage/unsubscribe token is derived from ENCRYPTION_KEY and
  // `token_nonce`; the confirmation token is stored as its SHA-256 only, with an expiry.
  await sql`
    CREATE TABLE status_page_subscribers (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      team_id INT UNSIGNED NOT NULL,
      status_page_id INT UNSIGNED NOT NULL,
      type ENUM('email','webhook','slack','discord') NOT NULL,
      status ENUM('pending','active','unsubscribed') NOT NULL DEFAULT 'pending',
      address VARCHAR(2048) NULL,
      address_hash CHAR(64) NOT NULL,
      component_ids JSON NULL,
      secret_ciphertext VARCHAR(1024) NULL,
      token_nonce CHAR(22) NOT NULL,
      confirm_token_hash CHAR(64) NULL,
      confirm_nonce CHAR(22) NULL,
      confirm_expires_at DATETIME(3) NULL,
      confirmed_at DATETIME(3) NULL,
      unsubscribed_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      UNIQUE KEY sps_address_uq (status_page_id, type, address_hash),
      UNIQUE KEY sps_confirm_uq (confirm_token_hash),
      KEY sps_fanout_idx (status_page_id, status, id),
      KEY sps_team_idx (team_id, status_page_id, id),
      CONSTRAINT sps_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE,
      CONSTRAINT sps_page_fk FOREIGN KEY (status_page_id) REFERENCES status_pages (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  `.execute(db);

  // One notice per (page, thing that happened): an incident event or a maintenance transition.
  // `content` is the public snapshot (what the page showed then), so every subscriber gets the
  // same words and a delivery needs no incident reads. Unique per page and key: a replay is a no-op.
  await sql`
    CREATE TABLE subscriber_notices (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      team_id INT UNSIGNED NOT NULL,
      status_page_id INT UNSIGNED NOT NULL,
      kind ENUM('incident.opened','incident.updated','incident.resolved','maintenance.scheduled','maintenance.started','maintenance.ended') NOT NULL,
      notice_key VARCHAR(100) NOT NULL,
      incident_id INT UNSIGNED NULL,
      maintenance_id INT UNSIGNED NULL,
      component_ids JSON NOT NULL,
      content JSON NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      fanned_out_at DATETIME(3) NULL,
      UNIQUE KEY subscriber_notices_key_uq (status_page_id, notice_key),
      KEY subscriber_notices_team_idx (team_id, id),
      CONSTRAINT subscriber_notices_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE,
      CONSTRAINT subscriber_notices_page_fk FOREIGN KEY (status_page_id) REFERENCES status_pages (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  `.execute(db);

  // One row per message to one subscriber (a notice, or the confirmation / verification /
  // welcome message): the alerts_sent pattern (ADR 0021) for subscribers. Unique per
  // (subscriber, message key), so a replayed fan-out batch inserts nothing.
  await sql`
    CREATE TABLE subscriber_deliveries (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      team_id INT UNSIGNED NOT NULL,
      status_page_id INT UNSIGNED NOT NULL,
      subscriber_id BIGINT UNSIGNED NOT NULL,
      subscriber_type ENUM('email','webhook','slack','discord') NOT NULL,
      notice_id BIGINT UNSIGNED NULL,
      kind ENUM('incident.opened','incident.updated','incident.resolved','maintenance.scheduled','maintenance.started','maintenance.ended','subscription.confirm','subscription.verify','subscription.welcome') NOT NULL,
      message_key VARCHAR(100) NOT NULL,
      status ENUM('pending','sent','failed','skipped') NOT NULL DEFAULT 'pending',
      attempts SMALLINT UNSIGNED NOT NULL DEFAULT 0,
      last_error VARCHAR(500) NULL,
      provider_status_code INT NULL,
      provider_message_id VARCHAR(255) NULL,
      idempotency_key VARCHAR(64) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      last_attempt_at DATETIME(3) NULL,
      sent_at DATETIME(3) NULL,
      UNIQUE KEY subscriber_deliveries_uq (subscriber_id, message_key),
      KEY subscriber_deliveries_team_idx (team_id, id),
      KEY subscriber_deliveries_notice_idx (notice_id, status),
      KEY subscriber_deliveries_pending_idx (status, attempts, created_at),
      CONSTRAINT subscriber_deliveries_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE,
      CONSTRAINT subscriber_deliveries_subscriber_fk FOREIGN KEY (subscriber_id) REFERENCES status_page_subscribers (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['subscriber_deliveries', 'subscriber_notices', 'status_page_subscribers']) await db.schema.dropTable(t).ifExists().execute();
  await sql`ALTER TABLE status_pages DROP COLUMN notices_paused`.execute(db);
}
