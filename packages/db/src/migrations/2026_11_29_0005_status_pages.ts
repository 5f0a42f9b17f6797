import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they take Kysely<any> and never import app types.
// Needs 0002 (monitors, incident_status_pages) for the foreign keys below.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('status_pages')
    .addColumn('id', 'integer', (c) => c.unsigned().autoIncrement().primaryKey())
    .addColumn('team_id', 'integer', (c) => c.unsigned().notNull().references('teams.id').onDelete('cascade'))
    .addColumn('slug', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('title', 'varchar(100)', (c) => c.notNull())
    .addColumn('description', 'varchar(2000)')
    .addColumn('is_public', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('logo_url', 'varchar(2000)')
    .addColumn('accent_color', sql`char(7)`)
    // NULLs do not collide in a MySQL unique index, so many pages may have no custom domain.
    .addColumn('custom_domain', 'varchar(253)', (c) => c.unique())
    .addColumn('show_incident_history', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('show_maintenances', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP(3)`))
    .addColumn('updated_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP(3)`))
    .execute();
  await db.schema.createIndex('status_pages_team_idx').on('status_pages').columns(['team_id', 'id']).execute();

  // One row per monitor placed on a page; the display name replaces the monitor's internal name.
  await db.schema
    .createTable('status_page_components')
    .addColumn('id', 'integer', (c) => c.unsigned().autoIncrement().primaryKey())
    .addColumn('status_page_id', 'integer', (c) => c.unsigned().notNull().references('status_pages.id').onDelete('cascade'))
    .addColumn('monitor_id', 'integer', (c) => c.unsigned().notNull().references('monitors.id').onDelete('cascade'))
    .addColumn('display_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('group_name', 'varchar(100)')
    .addColumn('position', 'integer', (c) => c.unsigned().notNull())
    .addUniqueConstraint('status_page_components_page_monitor_uq', ['status_page_id', 'monitor_id'])
    .execute();
  await db.schema
    .createIndex('status_page_components_page_pos_idx')
    .on('status_page_components')
    .columns(['status_page_id', 'position'])
    .execute();
  await db.schema.createIndex('status_page_components_monitor_idx').on('status_page_components').column('monitor_id').execute();

  // incident_status_pages (0002) was created before this table existed: give it its foreign key
  // now, so deleting a page removes its incident links.
  await db.schema
    .alterTable('incident_status_pages')
    .addForeignKeyConstraint('incident_status_pages_page_fk', ['status_page_id'], 'status_pages', ['id'], (c) => c.onDelete('cascade'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE incident_status_pages DROP FOREIGN KEY incident_status_pages_page_fk`.execute(db);
  for (const t of ['status_page_components', 'status_pages']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
