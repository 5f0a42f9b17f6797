import { sql, type Kysely } from 'kysely';

// Recurring maintenance (SPEC 10, ADR 0135). A series is expanded ahead of time into ordinary
// maintenance_windows rows (so alert suppression, status pages, rollups and subscriber notices
// work on occurrences unchanged); maintenance_occurrences links each window to its series,
// unique per start, so a repeated expansion adds nothing.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE maintenance_series (
      id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      team_id INT UNSIGNED NOT NULL,
      title VARCHAR(200) NOT NULL,
      description TEXT NULL,
      rrule VARCHAR(500) NOT NULL,
      timezone VARCHAR(64) NOT NULL,
      starts_at_local CHAR(16) NOT NULL,
      duration_minutes INT UNSIGNED NOT NULL,
      monitor_ids JSON NOT NULL,
      created_by INT UNSIGNED NULL,
      expanded_until DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      KEY maintenance_series_team_idx (team_id, id),
      CONSTRAINT maintenance_series_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  `.execute(db);
  await sql`
    CREATE TABLE maintenance_occurrences (
      series_id INT UNSIGNED NOT NULL,
      starts_at DATETIME(3) NOT NULL,
      window_id INT UNSIGNED NOT NULL,
      PRIMARY KEY (series_id, starts_at),
      UNIQUE KEY maintenance_occurrences_window_uq (window_id),
      CONSTRAINT maintenance_occurrences_series_fk FOREIGN KEY (series_id) REFERENCES maintenance_series (id) ON DELETE CASCADE,
      CONSTRAINT maintenance_occurrences_window_fk FOREIGN KEY (window_id) REFERENCES maintenance_windows (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('maintenance_occurrences').ifExists().execute();
  await db.schema.dropTable('maintenance_series').ifExists().execute();
}
