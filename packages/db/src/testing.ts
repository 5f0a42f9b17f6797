import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { createDb, serverUrl, type Db } from './connection';
import { migrateUrl } from './migrate';

export const TEST_SERVER_URL = process.env.TEST_DATABASE_SERVER_URL ?? 'mysql://root@127.0.0.1:3306/';

export interface TestDatabase {
  url: string;
  name: string;
  db: Db;
  drop(): Promise<void>;
}

/**
 * A freshly created, fully migrated database of its own for one test file: no shared fixtures,
 * so test files run in parallel without seeing each other's rows.
 */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const name = `sp_${label.replace(/[^a-z0-9]/gi, '').slice(0, 20)}_${randomBytes(5).toString('hex')}`;
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  await migrateUrl(url.toString());
  const db = createDb(url.toString(), { connectionLimit: 5 });
  return {
    url: url.toString(),
    name,
    db,
    async drop() {
      await db.destroy();
      const server = createDb(serverUrl(url.toString()), { connectionLimit: 1 });
      try {
        await sql`DROP DATABASE IF EXISTS ${sql.id(name)}`.execute(server);
      } finally {
        await server.destroy();
      }
    },
  };
}
