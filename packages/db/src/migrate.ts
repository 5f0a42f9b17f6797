import { Migrator, sql, type Kysely, type MigrationResultSet } from 'kysely';
import { createDb, databaseName, serverUrl } from './connection';
import { migrations } from './migrations';

/** Creates the database named in the URL if it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const server = createDb(serverUrl(url), { connectionLimit: 1 });
  try {
    await sql`CREATE DATABASE IF NOT EXISTS ${sql.id(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`.execute(server);
  } finally {
    await server.destroy();
  }
}

export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
  return migrator.migrateToLatest();
}

/** Creates the database, applies every pending migration; throws on the first failure. */
export async function migrateUrl(url: string): Promise<string[]> {
  await ensureDatabase(url);
  const db = createDb(url, { connectionLimit: 2 });
  try {
    const { error, results } = await migrateToLatest(db);
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  } finally {
    await db.destroy();
  }
}
