import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they take Kysely<any> and never import app types.
// One row naming this installation (ADR 0100): created with the database, so "drop the database
// and start again against the same Redis" is a new installation whose deterministic job ids
// (alert-<id>, incident-event-<id>) cannot meet the old one's, which BullMQ would silently ignore.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('installation')
    .addColumn('id', sql`char(16)`, (c) => c.primaryKey())
    .addColumn('created_at', sql`datetime(3)`, (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP(3)`))
    .execute();
  await db.insertInto('installation').values({ id: randomBytes(8).toString('hex') }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('installation').execute();
}
