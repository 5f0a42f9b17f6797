import { sql, type Kysely, type Transaction } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from './schema';
import { lockConflictOf, onLockRetry, transactionWithRetry, type LockRetryEvent } from './retry';
import { createTestDatabase, type TestDatabase } from './testing';

/**
 * transactionWithRetry against real lock conflicts on MariaDB: a deadlock provoked between two
 * connections (each holds one row and asks for the other's) and a lock-wait timeout.
 */

let database: TestDatabase;
let db: Kysely<Database>;
const events: LockRetryEvent[] = [];
let unsubscribe: () => void;

// A scratch table of this test database; not part of the schema types.
const probe = (trx: Kysely<Database> | Transaction<Database>) => ({
  set: (id: number, v: number) => sql`UPDATE lock_probe SET v = ${v} WHERE id = ${id}`.execute(trx),
  rows: async () => (await sql<{ id: number; v: number }>`SELECT id, v FROM lock_probe ORDER BY id`.execute(trx)).rows,
});

beforeAll(async () => {
  database = await createTestDatabase('retry');
  db = database.db;
  await sql`CREATE TABLE lock_probe (id INT PRIMARY KEY, v INT NOT NULL)`.execute(db);
  await sql`CREATE TABLE lock_ballast (id INT AUTO_INCREMENT PRIMARY KEY, v INT NOT NULL)`.execute(db);
  unsubscribe = onLockRetry((e) => events.push(e));
});

afterAll(async () => {
  unsubscribe?.();
  await database?.drop();
});

beforeEach(async () => {
  events.length = 0;
  await sql`DELETE FROM lock_probe`.execute(db);
  await sql`INSERT INTO lock_probe (id, v) VALUES (1, 0), (2, 0)`.execute(db);
});

/** Resolves once some transaction of this database waits for a lock (seen from a third connection). */
async function someoneWaits(timeoutMs = 5_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT' AND trx_mysql_thread_id IN (
      SELECT id FROM information_schema.processlist WHERE db = ${database.name})`.execute(db);
    if (Number(r.rows[0]!.n) > 0) return;
    if (Date.now() > end) throw new Error('no transaction started waiting for a lock');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function latch() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

/**
 * A (under transactionWithRetry) takes row 1, B (a plain transaction that has also written 200
 * ballast rows, so InnoDB picks the lighter A as the victim) takes row 2; A asks for row 2 and
 * waits; B asks for row 1: a deadlock. Returns A's attempts and B's outcome.
 */
async function deadlock(attempts: number) {
  const aHolds = latch();
  const bHolds = latch();
  let runs = 0;
  const a = transactionWithRetry(
    db,
    async (trx) => {
      runs += 1;
      const p = probe(trx);
      await p.set(1, 10 + runs);
      if (runs === 1) {
        aHolds.open();
        await bHolds.opened;
      }
      await p.set(2, 10 + runs);
      return runs;
    },
    { label: 'probe A', attempts, baseDelayMs: 5 },
  );
  const b = db.transaction().execute(async (trx) => {
    await aHolds.opened;
    await sql`INSERT INTO lock_ballast (v) SELECT seq FROM seq_1_to_200`.execute(trx);
    await probe(trx).set(2, 20);
    bHolds.open();
    await someoneWaits(); // A is now waiting for row 2
    await probe(trx).set(1, 20);
    return 'committed';
  });
  const [ra, rb] = await Promise.allSettled([a, b]);
  return { a: ra, b: rb, runs };
}

describe('transactionWithRetry', () => {
  it('re-runs the deadlock victim once the other transaction committed, and reports the retry', async () => {
    const { a, b, runs } = await deadlock(5);
    expect(b).toEqual({ status: 'fulfilled', value: 'committed' });
    expect(a).toEqual({ status: 'fulfilled', value: 2 });
    expect(runs).toBe(2);
    // A's second run wrote last: its values, none of its rolled-back first run
    expect(await probe(db).rows()).toEqual([
      { id: 1, v: 12 },
      { id: 2, v: 12 },
    ]);
    expect(events).toEqual([{ label: 'probe A', reason: 'deadlock', attempt: 1, outcome: 'retry', delayMs: expect.any(Number) }]);
    expect(events[0]!.delayMs).toBeGreaterThanOrEqual(2);
    expect(events[0]!.delayMs).toBeLessThanOrEqual(8);
  }, 20_000);

  it('gives up after the last attempt with the deadlock error itself', async () => {
    const { a, b, runs } = await deadlock(1);
    expect(b).toEqual({ status: 'fulfilled', value: 'committed' });
    expect(a.status).toBe('rejected');
    const err = (a as PromiseRejectedResult).reason;
    expect(lockConflictOf(err)).toBe('deadlock');
    expect(err).toMatchObject({ errno: 1213 });
    expect(runs).toBe(1);
    expect(await probe(db).rows()).toEqual([
      { id: 1, v: 20 },
      { id: 2, v: 20 },
    ]);
    expect(events).toEqual([{ label: 'probe A', reason: 'deadlock', attempt: 1, outcome: 'gave_up', delayMs: 0 }]);
  }, 20_000);

  it('re-runs after a lock-wait timeout (errno 1205) once the holder let go', async () => {
    const bHolds = latch();
    const release = latch();
    const b = db.transaction().execute(async (trx) => {
      await probe(trx).set(1, 30);
      bHolds.open();
      await release.opened;
    });
    await bHolds.opened;
    let runs = 0;
    const a = transactionWithRetry(
      db,
      async (trx) => {
        runs += 1;
        await sql`SET SESSION innodb_lock_wait_timeout = 1`.execute(trx);
        // the first run times out on row 1; B lets go while A pauses before its second run
        if (runs === 2) await b;
        await probe(trx).set(1, 40);
        return runs;
      },
      { label: 'probe timeout', baseDelayMs: 5 },
    );
    await someoneWaits();
    // after A's first run timed out (about 1 s), B commits
    const waitForTimeout = (async () => {
      const end = Date.now() + 5_000;
      while (events.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      release.open();
    })();
    expect(await a).toBe(2);
    await waitForTimeout;
    expect(events).toEqual([{ label: 'probe timeout', reason: 'lock_wait_timeout', attempt: 1, outcome: 'retry', delayMs: expect.any(Number) }]);
    expect((await probe(db).rows())[0]).toEqual({ id: 1, v: 40 });
  }, 20_000);

  it('does not retry other errors, and recognises lock conflicts by errno, code or cause', async () => {
    let runs = 0;
    await expect(
      transactionWithRetry(db, async () => {
        runs += 1;
        throw new Error('not a lock conflict');
      }),
    ).rejects.toThrow('not a lock conflict');
    expect(runs).toBe(1);
    await expect(transactionWithRetry(db, (trx) => sql`INSERT INTO lock_probe (id, v) VALUES (1, 1)`.execute(trx))).rejects.toMatchObject({ code: 'ER_DUP_ENTRY' });
    expect(events).toEqual([]);
    expect(lockConflictOf({ errno: 1213 })).toBe('deadlock');
    expect(lockConflictOf({ code: 'ER_LOCK_WAIT_TIMEOUT' })).toBe('lock_wait_timeout');
    expect(lockConflictOf(new Error('wrapped', { cause: { errno: 1205 } }))).toBe('lock_wait_timeout');
    expect(lockConflictOf({ errno: 1062, code: 'ER_DUP_ENTRY' })).toBeNull();
    expect(lockConflictOf(null)).toBeNull();
  });
});
