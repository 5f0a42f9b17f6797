import { sql, type Kysely } from 'kysely';

// Goals of a site and their daily rollup (written by the aggregator beside pageviews_daily).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE site_goals (
      id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      team_id INT UNSIGNED NOT NULL,
      site_id INT UNSIGNED NOT NULL,
      name VARCHAR(100) NOT NULL,
      type VARCHAR(10) NOT NULL,
      path VARCHAR(2000) NULL,
      event VARCHAR(120) NULL,
      props JSON NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      KEY site_goals_site (site_id),
      CONSTRAINT site_goals_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE,
      CONSTRAINT site_goals_site_fk FOREIGN KEY (site_id) REFERENCES sites (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  `.execute(db);
  await sql`
    CREATE TABLE goals_daily (
      goal_id INT UNSIGNED NOT NULL,
      date DATE NOT NULL,
      visitors INT UNSIGNED NOT NULL,
      conversions INT UNSIGNED NOT NULL,
      PRIMARY KEY (goal_id, date),
      CONSTRAINT goals_daily_goal_fk FOREIGN KEY (goal_id) REFERENCES site_goals (id) ON DELETE CASCADE
    ) ENGINE=InnoDB
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['goals_daily', 'site_goals']) await db.schema.dropTable(t).ifExists().execute();
}
