import { createDb, sql, type Db } from '@sentrypulse/db';
import { createTestDatabase, TEST_SERVER_URL, type TestDatabase } from '@sentrypulse/db/testing';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/compose';

// backup.sh and restore.sh against the real MariaDB: a database with rows of every awkward kind
// (binary ids, 4-byte UTF-8, millisecond datetimes, NULLs, JSON text) is backed up, dropped and
// restored, and must come back identical, schema and data.

const BACKUP = join(ROOT, 'infrastructure/backup.sh');
const RESTORE = join(ROOT, 'infrastructure/restore.sh');

let source: TestDatabase;
let server: Db;
let dir: string;
const extraDbs: string[] = [];

function urlFor(name: string): string {
  const u = new URL(TEST_SERVER_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

function run(script: string, args: string[], env: Record<string, string>) {
  const res = spawnSync('bash', [script, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: res.status, stdout: res.stdout.trim(), stderr: res.stderr };
}

async function tables(db: Db, name: string): Promise<string[]> {
  const res = await sql<{ t: string }>`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ${name} ORDER BY table_name`.execute(db);
  return res.rows.map((r) => r.t);
}

/** Schema and every row of every table, in a form that compares exactly. */
async function snapshot(name: string) {
  const db = createDb(urlFor(name), { connectionLimit: 1 });
  try {
    const out: Record<string, { create: string; rows: unknown[] }> = {};
    for (const t of await tables(server, name)) {
      const create = await sql<Record<string, string>>`SHOW CREATE TABLE ${sql.id(t)}`.execute(db);
      const cols = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM information_schema.columns WHERE table_schema = ${name} AND table_name = ${t}`.execute(db);
      const order = Array.from({ length: Number(cols.rows[0]!.n) }, (_, i) => i + 1).join(', ');
      const rows = await sql<Record<string, unknown>>`SELECT * FROM ${sql.id(t)} ORDER BY ${sql.raw(order)}`.execute(db);
      out[t] = {
        // AUTO_INCREMENT counters are part of what must survive (ids are never reused).
        create: create.rows[0]!['Create Table']!,
        rows: rows.rows.map((r) =>
          Object.fromEntries(
            Object.entries(r).map(([k, v]) => [k, Buffer.isBuffer(v) ? `hex:${v.toString('hex')}` : v instanceof Date ? v.toISOString() : v]),
          ),
        ),
      };
    }
    return out;
  } finally {
    await db.destroy();
  }
}

async function dropDatabase(name: string) {
  await sql`DROP DATABASE IF EXISTS ${sql.id(name)}`.execute(server);
}

beforeAll(async () => {
  source = await createTestDatabase('backup');
  server = createDb(new URL('/', TEST_SERVER_URL).toString(), { connectionLimit: 2 });
  dir = mkdtempSync(join(tmpdir(), 'sp-backup-'));
  const db = source.db;
  const user = await db
    .insertInto('users')
    .values({ name: 'Zoë 🚀 O\'Brien', email: 'zoe@example.test', password_hash: '$2b$04$abcdefghijklmnopqrstuv' })
    .executeTakeFirstOrThrow();
  const team = await db.insertInto('teams').values({ name: 'Ops "quoted" team\\n', owner_id: Number(user.insertId), plan: 'pro' }).executeTakeFirstOrThrow();
  const teamId = Number(team.insertId);
  await db.insertInto('team_users').values({ team_id: teamId, user_id: Number(user.insertId), role: 'owner' }).execute();
  const site = await db
    .insertInto('sites')
    .values({ team_id: teamId, name: 'Blog — 日本語', domain: 'example.com', tracking_code: 'abc123' })
    .executeTakeFirstOrThrow();
  const ts = new Date('2026-11-28T23:59:59.123Z');
  await db
    .insertInto('pageviews_raw')
    .values(
      Array.from({ length: 50 }, (_, i) => ({
        site_id: Number(site.insertId),
        ts: new Date(ts.getTime() + i * 1_001),
        event_id: randomBytes(16),
        visitor_id: Buffer.from([0, 0xff, 0x0a, 0x27, 0x5c, i]),
        visit_id: i,
        name: i % 5 === 0 ? 'signup' : 'pageview',
        hostname: 'example.com',
        pathname: `/p/${i}?q='x'`,
        entry_page: '/',
        referrer_source: i % 2 ? 'news.ycombinator.com' : '',
        utm_source: '',
        utm_medium: '',
        utm_campaign: '',
        browser: 'Firefox',
        os: 'Linux',
        device: 'desktop',
        country: 'DE',
        props: i % 5 === 0 ? JSON.stringify([['plan', 'pro'], ['emoji', '🎉']]) : null,
      })),
    )
    .execute();
});

afterAll(async () => {
  for (const name of extraDbs) await dropDatabase(name);
  await source.drop();
  await server.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('backup.sh and restore.sh', () => {
  it('backs up, drops, restores: schema, rows and migration history identical', async () => {
    const before = await snapshot(source.name);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['users', 'teams', 'sites', 'pageviews_raw', 'kysely_migration']));
    expect(before.pageviews_raw!.rows).toHaveLength(50);

    const backup = run(BACKUP, [], { DATABASE_URL: source.url, BACKUP_DIR: dir });
    expect(backup.code, backup.stderr).toBe(0);
    const file = backup.stdout;
    expect(file).toMatch(new RegExp(`/sentrypulse-${source.name}-\\d{8}T\\d{6}Z\\.sql\\.gz$`));
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(`${file}.sha256`, 'utf8')).toMatch(/^[0-9a-f]{64} {2}sentrypulse-.*\.sql\.gz\n$/);
    expect(readdirSync(dir).some((f) => f.endsWith('.partial'))).toBe(false);

    await dropDatabase(source.name);
    expect(await tables(server, source.name)).toEqual([]);

    const restore = run(RESTORE, [file], { DATABASE_URL: source.url });
    expect(restore.code, restore.stderr).toBe(0);
    expect(await snapshot(source.name)).toEqual(before);
  });

  it('restores a copy beside the original under another name', async () => {
    const file = run(BACKUP, [], { DATABASE_URL: source.url, BACKUP_DIR: dir }).stdout;
    const copy = `sp_restorecopy_${randomBytes(4).toString('hex')}`;
    extraDbs.push(copy);
    const restore = run(RESTORE, [file], { DATABASE_URL: urlFor(copy) });
    expect(restore.code, restore.stderr).toBe(0);
    expect(await snapshot(copy)).toEqual(await snapshot(source.name));
  });

  it('refuses a damaged backup and leaves the target untouched', async () => {
    const file = run(BACKUP, [], { DATABASE_URL: source.url, BACKUP_DIR: dir }).stdout;
    const damaged = join(dir, 'damaged.sql.gz');
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    writeFileSync(damaged, bytes);
    writeFileSync(`${damaged}.sha256`, readFileSync(`${file}.sha256`, 'utf8').replace(/ {2}.*/, '  damaged.sql.gz\n'));
    const target = `sp_restoredamaged_${randomBytes(4).toString('hex')}`;
    extraDbs.push(target);
    const res = run(RESTORE, [damaged], { DATABASE_URL: urlFor(target) });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('checksum mismatch');
    const exists = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM information_schema.schemata WHERE schema_name = ${target}`.execute(server);
    expect(Number(exists.rows[0]!.n)).toBe(0);
  });

  it('will not overwrite a database that has tables unless told to with --force', async () => {
    const file = run(BACKUP, [], { DATABASE_URL: source.url, BACKUP_DIR: dir }).stdout;
    const before = await snapshot(source.name);
    // A row written after the backup: refused restore keeps it, forced restore rolls it back.
    await source.db.insertInto('users').values({ name: 'Later', email: 'later@example.test', password_hash: 'x' }).execute();
    const withLater = await snapshot(source.name);

    const refused = run(RESTORE, [file], { DATABASE_URL: source.url });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/has \d+ tables; restore into an empty database, or pass --force/);
    expect(await snapshot(source.name)).toEqual(withLater);

    // Pools hold connections to the database that --force drops; the app would be stopped first.
    const forced = run(RESTORE, ['--force', file], { DATABASE_URL: source.url });
    expect(forced.code, forced.stderr).toBe(0);
    expect(await snapshot(source.name)).toEqual(before);
  });

  it('fails loudly, leaving no partial file, when the database cannot be dumped', () => {
    const badDir = mkdtempSync(join(tmpdir(), 'sp-backup-bad-'));
    try {
      const missing = run(BACKUP, [], { DATABASE_URL: urlFor('sp_does_not_exist_here'), BACKUP_DIR: badDir });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('dump of sp_does_not_exist_here failed; no backup written');
      expect(readdirSync(badDir)).toEqual([]);

      const badUrl = run(BACKUP, [], { DATABASE_URL: 'postgres://nope', BACKUP_DIR: badDir });
      expect(badUrl.code).toBe(1);
      expect(badUrl.stderr).toContain('DATABASE_URL must look like mysql://');
      const noUrl = run(BACKUP, [], { BACKUP_DIR: badDir });
      expect(noUrl.code).toBe(1);
      expect(noUrl.stderr).toContain('DATABASE_URL is not set');
      const badKeep = run(BACKUP, [], { DATABASE_URL: source.url, BACKUP_DIR: badDir, BACKUP_KEEP_DAYS: 'two' });
      expect(badKeep.code).toBe(1);
      expect(badKeep.stderr).toContain('BACKUP_KEEP_DAYS must be a whole number');
      expect(readdirSync(badDir)).toEqual([]);
    } finally {
      rmSync(badDir, { recursive: true, force: true });
    }
  });

  it('answers a missing or invalid backup file with a clear error', () => {
    const missing = run(RESTORE, [join(dir, 'nope.sql.gz')], { DATABASE_URL: source.url });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such backup file');
    const notGzip = join(dir, 'plain.sql.gz');
    writeFileSync(notGzip, 'DROP DATABASE everything;');
    const res = run(RESTORE, [notGzip], { DATABASE_URL: source.url });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('is not a valid gzip file');
    const none = run(RESTORE, [], { DATABASE_URL: source.url });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('usage: restore.sh');
  });

  it('keeps BACKUP_KEEP_DAYS of backups and deletes older ones', () => {
    const keepDir = mkdtempSync(join(tmpdir(), 'sp-backup-keep-'));
    try {
      const old = join(keepDir, `sentrypulse-${source.name}-20260101T000000Z.sql.gz`);
      const unrelated = join(keepDir, 'notes.txt');
      writeFileSync(old, '');
      writeFileSync(`${old}.sha256`, '');
      writeFileSync(unrelated, '');
      const monthAgo = new Date(Date.now() - 30 * 86_400_000);
      for (const f of [old, `${old}.sha256`, unrelated]) utimesSync(f, monthAgo, monthAgo);
      const res = run(BACKUP, [], { DATABASE_URL: source.url, BACKUP_DIR: keepDir, BACKUP_KEEP_DAYS: '14' });
      expect(res.code, res.stderr).toBe(0);
      const left = readdirSync(keepDir).sort();
      expect(left).toHaveLength(3);
      expect(left).toContain('notes.txt');
      expect(left.some((f) => f.includes('20260101T000000Z'))).toBe(false);
    } finally {
      rmSync(keepDir, { recursive: true, force: true });
    }
  });

  it('authenticates with a URL-encoded password through a temporary options file it removes', async () => {
    const user = `sp_bk_${randomBytes(3).toString('hex')}`;
    const password = 'p@ss:w/rd"1 %x';
    for (const host of ['%', '127.0.0.1', 'localhost']) {
      await sql`CREATE USER ${sql.lit(user)}@${sql.lit(host)} IDENTIFIED BY ${sql.lit(password)}`.execute(server);
      await sql`GRANT ALL ON ${sql.id(source.name)}.* TO ${sql.lit(user)}@${sql.lit(host)}`.execute(server);
    }
    const tmp = mkdtempSync(join(tmpdir(), 'sp-backup-tmp-'));
    try {
      const u = new URL(source.url);
      u.username = user;
      u.password = encodeURIComponent(password);
      const res = run(BACKUP, [], { DATABASE_URL: u.toString(), BACKUP_DIR: dir, TMPDIR: tmp });
      expect(res.code, res.stderr).toBe(0);
      expect(existsSync(res.stdout)).toBe(true);
      // The client options file with the password is gone once the script ends.
      expect(readdirSync(tmp)).toEqual([]);
      const wrong = new URL(u);
      wrong.password = 'wrong';
      const denied = run(BACKUP, [], { DATABASE_URL: wrong.toString(), BACKUP_DIR: dir, TMPDIR: tmp });
      expect(denied.code).toBe(1);
      expect(denied.stderr).toContain('Access denied');
      expect(denied.stderr).not.toContain(password);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      for (const host of ['%', '127.0.0.1', 'localhost']) await sql`DROP USER IF EXISTS ${sql.lit(user)}@${sql.lit(host)}`.execute(server);
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
