import { sql, type Db } from '@sentrypulse/db';

/**
 * A fingerprint of every table's contents (MariaDB's CHECKSUM TABLE), to prove that a rejected
 * request changed nothing anywhere, not just in the table the test thought about.
 */
export async function databaseFingerprint(db: Db): Promise<Record<string, string>> {
  const tables = await sql<{ TABLE_NAME: string }>`
    SELECT TABLE_NAME FROM information_schema.TABLES
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'kysely_%'`.execute(db);
  if (tables.rows.length === 0) return {};
  const names = tables.rows.map((r) => sql.id(r.TABLE_NAME));
  const sums = await sql<{ Table: string; Checksum: string | number | null }>`CHECKSUM TABLE ${sql.join(names)}`.execute(db);
  return Object.fromEntries(sums.rows.map((r) => [r.Table.split('.').pop()!, String(r.Checksum)]));
}
