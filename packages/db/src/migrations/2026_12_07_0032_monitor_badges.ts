import { sql, type Kysely } from 'kysely';

// Per-monitor public badges (SPEC 10, ADR 0136): off by default; enabling one mints a random
// public key (the monitor id never appears in the URL) and a label the team chooses.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE monitor_badges (
      monitor_id INT UNSIGNED NOT NULL PRIMARY KEY,
      team_id INT UNSIGNED NOT NULL,
      public_key CHAR(22) NOT NULL,
      label VARCHAR(40) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      UNIQUE KEY monitor_badges_key_uq (public_key),
      KEY monitor_badges_team_idx (team_id),
      CONSTRAINT monitor_badges_monitor_fk FOREIGN KEY (monitor_id) REFERENCES monitors (id) ON DELETE CASCADE,
      CONSTRAINT monitor_badges_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('monitor_badges').ifExists().execute();
}
