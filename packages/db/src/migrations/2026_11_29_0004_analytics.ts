import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they take Kysely<any> and never import app types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sites')
    .addColumn('id', 'integer', (c) => c.unsigned().autoIncrement().primaryKey())
    .addColumn('team_id', 'integer', (c) => c.unsigned().notNull().references('teams.id').onDelete('cascade'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('domain', 'varchar(253)', (c) => c.notNull())
    .addColumn('tracking_code', 'varchar(32)', (c) => c.notNull().unique())
    .addColumn('timezone', 'varchar(64)', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('respect_dnt', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    // Last local date whose rollups are complete: stats read rollups up to it, raw after it.
    .addColumn('aggregated_through', 'date')
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP(3)`))
    .addColumn('updated_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP(3)`))
    .execute();
  await db.schema.createIndex('sites_team_domain_uq').on('sites').columns(['team_id', 'domain']).unique().execute();

  // One row per accepted event. The clustered key (site, time, event id) makes per-site time
  // ranges a contiguous scan and makes a replayed batch a no-op (INSERT IGNORE on the key).
  // No foreign key to sites: it would cost a lookup per inserted row at ingest rates; the
  // retention job removes rows of deleted sites in batches.
  await sql`
    CREATE TABLE pageviews_raw (
      site_id INT UNSIGNED NOT NULL,
      ts DATETIME(3) NOT NULL,
      event_id BINARY(16) NOT NULL,
      visitor_id BINARY(8) NOT NULL,
      visit_id BIGINT UNSIGNED NOT NULL,
      name VARCHAR(120) NOT NULL,
      hostname VARCHAR(253) NOT NULL,
      pathname VARCHAR(2000) NOT NULL,
      entry_page VARCHAR(2000) NOT NULL,
      referrer_source VARCHAR(255) NOT NULL DEFAULT '',
      utm_source VARCHAR(255) NOT NULL DEFAULT '',
      utm_medium VARCHAR(255) NOT NULL DEFAULT '',
      utm_campaign VARCHAR(255) NOT NULL DEFAULT '',
      browser VARCHAR(50) NOT NULL DEFAULT '',
      os VARCHAR(50) NOT NULL DEFAULT '',
      device VARCHAR(20) NOT NULL DEFAULT '',
      country CHAR(2) NOT NULL DEFAULT '',
      props JSON NULL,
      PRIMARY KEY (site_id, ts, event_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  `.execute(db);

  await db.schema
    .createTable('pageviews_daily')
    .addColumn('site_id', 'integer', (c) => c.unsigned().notNull().references('sites.id').onDelete('cascade'))
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('pageviews', 'integer', (c) => c.unsigned().notNull())
    .addColumn('events', 'integer', (c) => c.unsigned().notNull())
    .addColumn('visitors', 'integer', (c) => c.unsigned().notNull())
    .addColumn('visits', 'integer', (c) => c.unsigned().notNull())
    .addColumn('bounces', 'integer', (c) => c.unsigned().notNull())
    .addColumn('duration_ms', 'bigint', (c) => c.unsigned().notNull())
    .addPrimaryKeyConstraint('pageviews_daily_pk', ['site_id', 'date'])
    .execute();

  // Per-dimension daily rollups (page, entry/exit page, referrer, UTM, browser, OS, device,
  // country, event, event prop) in one table keyed by a hash of the value, so long pathnames
  // fit in the key.
  await sql`
    CREATE TABLE pageviews_daily_breakdowns (
      site_id INT UNSIGNED NOT NULL,
      dimension VARCHAR(20) NOT NULL,
      date DATE NOT NULL,
      value_hash BINARY(16) NOT NULL,
      value VARCHAR(2000) NOT NULL,
      visitors INT UNSIGNED NOT NULL,
      visits INT UNSIGNED NOT NULL,
      pageviews INT UNSIGNED NOT NULL,
      events INT UNSIGNED NOT NULL,
      PRIMARY KEY (site_id, dimension, date, value_hash),
      CONSTRAINT pageviews_daily_breakdowns_site_fk FOREIGN KEY (site_id) REFERENCES sites (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['pageviews_daily_breakdowns', 'pageviews_daily', 'pageviews_raw', 'sites']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
