import { sql, type Kysely } from 'kysely';

const now = sql`CURRENT_TIMESTAMP(3)`;

// Migrations are frozen in time: they take Kysely<any> and never import app types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('monitors')
    .addColumn('id', 'integer', (c) => c.unsigned().autoIncrement().primaryKey())
    .addColumn('team_id', 'integer', (c) => c.unsigned().notNull().references('teams.id').onDelete('cascade'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('type', sql`enum('http','dns','tcp','heartbeat')`, (c) => c.notNull())
    // http
    .addColumn('url', 'varchar(2048)')
    .addColumn('method', 'varchar(10)')
    .addColumn('headers', 'json')
    .addColumn('body', 'text')
    .addColumn('expected_status', 'varchar(100)')
    .addColumn('keyword', 'varchar(255)')
    .addColumn('keyword_absent', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('json_path', 'varchar(255)')
    .addColumn('json_expected', 'varchar(255)')
    .addColumn('follow_redirects', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('ssl_expiry_days', 'smallint', (c) => c.unsigned())
    // dns / tcp
    .addColumn('dns_record_type', sql`enum('A','AAAA','CNAME','MX','TXT','NS')`)
    .addColumn('dns_expected', 'json')
    .addColumn('host', 'varchar(253)')
    .addColumn('port', 'integer', (c) => c.unsigned())
    // heartbeat
    .addColumn('heartbeat_token', sql`char(32)`, (c) => c.unique())
    .addColumn('heartbeat_grace_seconds', 'integer', (c) => c.unsigned())
    .addColumn('last_heartbeat_at', sql`datetime(3)`)
    // scheduling and rules
    .addColumn('interval_seconds', 'integer', (c) => c.unsigned().notNull())
    .addColumn('timeout_ms', 'integer', (c) => c.unsigned().notNull())
    .addColumn('confirmations', 'smallint', (c) => c.unsigned().notNull().defaultTo(1))
    .addColumn('recovery_confirmations', 'smallint', (c) => c.unsigned().notNull().defaultTo(1))
    .addColumn('degraded_threshold_ms', 'integer', (c) => c.unsigned())
    .addColumn('severity', sql`enum('critical','major','minor')`, (c) => c.notNull().defaultTo('critical'))
    .addColumn('regions', 'json')
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    // current state, kept by the incident engine
    .addColumn('status', sql`enum('pending','up','down','degraded','paused')`, (c) => c.notNull().defaultTo('pending'))
    .addColumn('status_changed_at', sql`datetime(3)`)
    .addColumn('consecutive_failures', 'integer', (c) => c.unsigned().notNull().defaultTo(0))
    .addColumn('consecutive_successes', 'integer', (c) => c.unsigned().notNull().defaultTo(0))
    // First failing check of the current failure streak: a confirmed outage's downtime starts here.
    .addColumn('failing_since', sql`datetime(3)`)
    // Scheduled time of the last applied result: replays (stalled jobs) older than it are ignored.
    .addColumn('last_scheduled_at', sql`datetime(3)`)
    .addColumn('last_checked_at', sql`datetime(3)`)
    .addColumn('last_response_time_ms', 'integer', (c) => c.unsigned())
    .addColumn('last_error', 'varchar(500)')
    .addColumn('cert_expires_at', sql`datetime(3)`)
    .addColumn('uptime_percentage', sql`decimal(7,4)`)
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('monitors_team_idx').on('monitors').columns(['team_id', 'id']).execute();
  await db.schema.createIndex('monitors_team_status_idx').on('monitors').columns(['team_id', 'status', 'id']).execute();

  // One row per check. No foreign keys: a lookup per insert at hundreds of checks per second, and a
  // cascade of millions of rows inside one DELETE; the retention job removes orphans in batches.
  await sql`
    CREATE TABLE monitor_checks (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      monitor_id INT UNSIGNED NOT NULL,
      team_id INT UNSIGNED NOT NULL,
      status ENUM('up','down','degraded') NOT NULL,
      status_code SMALLINT UNSIGNED NULL,
      response_time_ms INT UNSIGNED NULL,
      dns_ms INT UNSIGNED NULL,
      connect_ms INT UNSIGNED NULL,
      tls_ms INT UNSIGNED NULL,
      ttfb_ms INT UNSIGNED NULL,
      error VARCHAR(500) NULL,
      cert_expires_at DATETIME(3) NULL,
      scheduled_at DATETIME(3) NULL,
      checked_at DATETIME(3) NOT NULL,
      KEY monitor_checks_monitor_time_idx (monitor_id, checked_at),
      KEY monitor_checks_checked_at_idx (checked_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  `.execute(db);

  // Confirmed downtime intervals (first failing check → first successful check): the source of
  // time-based uptime. ended_at NULL while the outage lasts.
  await db.schema
    .createTable('monitor_outages')
    .addColumn('id', 'bigint', (c) => c.unsigned().autoIncrement().primaryKey())
    .addColumn('monitor_id', 'integer', (c) => c.unsigned().notNull().references('monitors.id').onDelete('cascade'))
    .addColumn('team_id', 'integer', (c) => c.unsigned().notNull().references('teams.id').onDelete('cascade'))
    .addColumn('incident_id', 'integer', (c) => c.unsigned())
    .addColumn('started_at', sql`datetime(3)`, (c) => c.notNull())
    .addColumn('ended_at', sql`datetime(3)`)
    .execute();
  await db.schema.createIndex('monitor_outages_monitor_idx').on('monitor_outages').columns(['monitor_id', 'started_at']).execute();

  await db.schema
    .createTable('monitor_daily')
    .addColumn('monitor_id', 'integer', (c) => c.unsigned().notNull().references('monitors.id').onDelete('cascade'))
    .addColumn('team_id', 'integer', (c) => c.unsigned().notNull().references('teams.id').onDelete('cascade'))
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('checks', 'integer', (c) => c.unsigned().notNull())
    .addColumn('up_checks', 'integer', (c) => c.unsigned().notNull())
    .addColumn('degraded_checks', 'integer', (c) => c.unsigned().notNull())
    .addColumn('down_checks', 'integer', (c) => c.unsigned().notNull())
    // Seconds of the day the monitor existed (denominator), confirmed downtime and maintenance.
    .addColumn('monitored_seconds', 'integer', (c) => c.unsigned().notNull())
    .addColumn('downtime_seconds', 'integer', (c) => c.unsigned().notNull())
    .addColumn('maintenance_seconds', 'integer', (c) => c.unsigned().notNull())
    // Uptime percentage for the day, truncated to 4 decimals; NULL when nothing was monitored.
    .addColumn('uptime', sql`decimal(7,4)`)
    .addColumn('avg_response_time_ms', 'integer', (c) => c.unsigned())
    .addColumn('p95_response_time_ms', 'integer', (c) => c.unsigned())
    .addColumn('updated_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('monitor_daily_pk', ['monitor_id', 'date'])
    .execute();

  // open_monitor_key is set while an automatic incident is open, so the unique index makes a second
  // open outage (or certificate) incident for the same monitor impossible, whatever the code does.
  // monitor_id has no FK: MySQL refuses FK actions on base columns of indexed generated columns,
  // and past incidents outlive their monitor (status-page history).
  await sql`
    CREATE TABLE incidents (
      id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      team_id INT UNSIGNED NOT NULL,
      monitor_id INT UNSIGNED NULL,
      kind ENUM('auto','manual','certificate') NOT NULL,
      title VARCHAR(200) NOT NULL,
      status ENUM('investigating','identified','monitoring','resolved') NOT NULL DEFAULT 'investigating',
      severity ENUM('critical','major','minor') NOT NULL,
      started_at DATETIME(3) NOT NULL,
      resolved_at DATETIME(3) NULL,
      acknowledged_by INT UNSIGNED NULL,
      acknowledged_at DATETIME(3) NULL,
      postmortem TEXT NULL,
      created_by INT UNSIGNED NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      open_monitor_key VARCHAR(40) AS (
        CASE WHEN status <> 'resolved' AND monitor_id IS NOT NULL AND kind <> 'manual'
          THEN CONCAT(monitor_id, ':', kind) END
      ) VIRTUAL,
      UNIQUE KEY incidents_open_monitor_uq (open_monitor_key),
      KEY incidents_team_idx (team_id, id),
      KEY incidents_team_status_idx (team_id, status, id),
      KEY incidents_monitor_idx (monitor_id, id),
      CONSTRAINT incidents_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE,
      CONSTRAINT incidents_ack_fk FOREIGN KEY (acknowledged_by) REFERENCES users (id) ON DELETE SET NULL,
      CONSTRAINT incidents_creator_fk FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  `.execute(db);

  await db.schema
    .createTable('incident_updates')
    .addColumn('id', 'integer', (c) => c.unsigned().autoIncrement().primaryKey())
    .addColumn('incident_id', 'integer', (c) => c.unsigned().notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('team_id', 'integer', (c) => c.unsigned().notNull().references('teams.id').onDelete('cascade'))
    .addColumn('status', sql`enum('investigating','identified','monitoring','resolved')`, (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.unsigned().references('users.id').onDelete('set null'))
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('incident_updates_incident_idx').on('incident_updates').columns(['incident_id', 'id']).execute();

  await db.schema
    .createTable('incident_monitors')
    .addColumn('incident_id', 'integer', (c) => c.unsigned().notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('monitor_id', 'integer', (c) => c.unsigned().notNull().references('monitors.id').onDelete('cascade'))
    .addColumn('team_id', 'integer', (c) => c.unsigned().notNull().references('teams.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('incident_monitors_pk', ['incident_id', 'monitor_id'])
    .execute();
  await db.schema.createIndex('incident_monitors_monitor_idx').on('incident_monitors').columns(['monitor_id', 'incident_id']).execute();

  // Status pages an incident is shown on (manual incidents pick them). No FK: the status_pages
  // table belongs to a later migration; readers join it.
  await db.schema
    .createTable('incident_status_pages')
    .addColumn('incident_id', 'integer', (c) => c.unsigned().notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('status_page_id', 'integer', (c) => c.unsigned().notNull())
    .addColumn('team_id', 'integer', (c) => c.unsigned().notNull().references('teams.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('incident_status_pages_pk', ['incident_id', 'status_page_id'])
    .execute();
  await db.schema.createIndex('incident_status_pages_page_idx').on('incident_status_pages').columns(['status_page_id', 'incident_id']).execute();

  await db.schema
    .createTable('maintenance_windows')
    .addColumn('id', 'integer', (c) => c.unsigned().autoIncrement().primaryKey())
    .addColumn('team_id', 'integer', (c) => c.unsigned().notNull().references('teams.id').onDelete('cascade'))
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('starts_at', sql`datetime(3)`, (c) => c.notNull())
    .addColumn('ends_at', sql`datetime(3)`, (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.unsigned().references('users.id').onDelete('set null'))
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('maintenance_windows_team_idx').on('maintenance_windows').columns(['team_id', 'ends_at']).execute();

  await db.schema
    .createTable('maintenance_monitors')
    .addColumn('maintenance_id', 'integer', (c) => c.unsigned().notNull().references('maintenance_windows.id').onDelete('cascade'))
    .addColumn('monitor_id', 'integer', (c) => c.unsigned().notNull().references('monitors.id').onDelete('cascade'))
    .addColumn('team_id', 'integer', (c) => c.unsigned().notNull().references('teams.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('maintenance_monitors_pk', ['maintenance_id', 'monitor_id'])
    .execute();
  await db.schema.createIndex('maintenance_monitors_monitor_idx').on('maintenance_monitors').columns(['monitor_id', 'maintenance_id']).execute();

  // Outbox of incident events for the alert dispatcher: inserted in the same transaction as the
  // incident change, enqueued on the 'notify' queue after commit (queued_at), swept if that failed.
  await db.schema
    .createTable('incident_events')
    .addColumn('id', 'bigint', (c) => c.unsigned().autoIncrement().primaryKey())
    .addColumn('team_id', 'integer', (c) => c.unsigned().notNull().references('teams.id').onDelete('cascade'))
    .addColumn('incident_id', 'integer', (c) => c.unsigned().notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('monitor_id', 'integer', (c) => c.unsigned())
    .addColumn('update_id', 'integer', (c) => c.unsigned())
    .addColumn('type', sql`enum('incident.opened','incident.updated','incident.resolved','certificate.expiring')`, (c) => c.notNull())
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(now))
    .addColumn('queued_at', sql`datetime(3)`)
    .execute();
  await db.schema.createIndex('incident_events_team_idx').on('incident_events').columns(['team_id', 'id']).execute();
  await db.schema.createIndex('incident_events_queued_idx').on('incident_events').columns(['queued_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'incident_events',
    'maintenance_monitors',
    'maintenance_windows',
    'incident_status_pages',
    'incident_monitors',
    'incident_updates',
    'incidents',
    'monitor_daily',
    'monitor_outages',
    'monitor_checks',
    'monitors',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
