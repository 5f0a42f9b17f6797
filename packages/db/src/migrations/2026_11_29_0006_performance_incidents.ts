import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they take Kysely<any> and never import app types.
// Performance incidents (ADR 0014): an opt-in per monitor, the slow/fast streaks the engine keeps,
// and what an automatic incident is about. A performance incident is kind 'auto' like an outage,
// so the existing unique key (incidents.open_monitor_key = '<monitor>:auto') still allows one open
// automatic incident per monitor: escalation changes `cause`, it never inserts a second row.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('monitors')
    .addColumn('alert_on_degraded', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('consecutive_degraded', 'integer', (c) => c.unsigned().notNull().defaultTo(0))
    .addColumn('consecutive_fast', 'integer', (c) => c.unsigned().notNull().defaultTo(0))
    // First slow check of the current slow streak: a performance incident starts here.
    .addColumn('degraded_since', sql`datetime(3)`)
    .execute();
  // NULL for manual and certificate incidents; every automatic incident before this one was an outage.
  await db.schema.alterTable('incidents').addColumn('cause', sql`enum('down','degraded')`).execute();
  await sql`UPDATE incidents SET cause = 'down' WHERE kind = 'auto'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('incidents').dropColumn('cause').execute();
  await db.schema
    .alterTable('monitors')
    .dropColumn('alert_on_degraded')
    .dropColumn('consecutive_degraded')
    .dropColumn('consecutive_fast')
    .dropColumn('degraded_since')
    .execute();
}
