import { sql, type Db } from '@sentrypulse/db';

/** The cheapest round trip that proves the pool can reach MySQL. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
