import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema';

/**
 * This installation's id (one row, created by the migrations): job ids are namespaced by it, so a
 * database dropped and created again never reuses the old installation's ids in Redis (ADR 0100).
 */
export async function readInstallationId(db: Kysely<Database> | Transaction<Database>): Promise<string> {
  const row = await db.selectFrom('installation').select('id').orderBy('created_at').limit(1).executeTakeFirst();
  if (!row) throw new Error('The installation row is missing: run the migrations (pnpm db:migrate).');
  return row.id;
}
