import { Kysely, MysqlDialect } from 'kysely';
import { createPool, type PoolOptions } from 'mysql2';
import type { Database } from './schema';

export type Db = Kysely<Database>;

export interface DbOptions {
  /** Pool size; the API and the worker size it to their concurrency. */
  connectionLimit?: number;
}

/** Parses a mysql:// URL into mysql2 pool options (UTC everywhere, utf8mb4). */
export function poolOptionsFromUrl(url: string, opts: DbOptions = {}): PoolOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database: u.pathname.replace(/^\//, '') || undefined,
    connectionLimit: opts.connectionLimit ?? 10,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    dateStrings: false,
    supportBigNumbers: true,
    bigNumberStrings: false,
    enableKeepAlive: true,
    connectTimeout: 5_000,
  };
}

export function createDb(url: string, opts: DbOptions = {}): Db {
  const pool = createPool(poolOptionsFromUrl(url, opts));
  // Store and compute time in UTC regardless of the server's zone, so NOW() agrees with JS dates.
  pool.on('connection', (conn) => {
    conn.query("SET time_zone = '+00:00'");
  });
  return new Kysely<Database>({ dialect: new MysqlDialect({ pool }) });
}

export function databaseName(url: string): string {
  const name = new URL(url).pathname.replace(/^\//, '');
  if (!/^[A-Za-z0-9_]{1,64}$/.test(name)) throw new Error(`invalid database name in DATABASE_URL: "${name}"`);
  return name;
}

/** A URL for the same server without a database, to create or drop one. */
export function serverUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/';
  return u.toString();
}
