import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migrator, sql } from 'kysely';
import { migrations } from '../migrations';
import { createTestDatabase, type TestDatabase } from '../testing';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase('monmig');
});
afterAll(async () => {
  await t.drop();
});

describe('monitoring schema', () => {
  it('refuses a second open automatic incident for the same monitor, allows it once resolved', async () => {
    const user = await t.db.insertInto('users').values({ name: 'a', email: 'a@example.com', password_hash: 'x' }).executeTakeFirstOrThrow();
    const team = await t.db.insertInto('teams').values({ name: 't', owner_id: Number(user.insertId) }).executeTakeFirstOrThrow();
    const teamId = Number(team.insertId);
    const m = await t.db
      .insertInto('monitors')
      .values({ team_id: teamId, name: 'm', type: 'http', url: 'http://x', interval_seconds: 60, timeout_ms: 5000 })
      .executeTakeFirstOrThrow();
    const monitorId = Number(m.insertId);
    const open = { team_id: teamId, monitor_id: monitorId, kind: 'auto' as const, title: 'down', severity: 'critical' as const, started_at: new Date() };
    const first = await t.db.insertInto('incidents').values(open).executeTakeFirstOrThrow();
    await expect(t.db.insertInto('incidents').values(open).execute()).rejects.toThrow(/Duplicate entry/);
    // a certificate incident is a different kind and may coexist; a manual one is never keyed
    await t.db.insertInto('incidents').values({ ...open, kind: 'certificate', severity: 'minor' }).execute();
    await t.db.insertInto('incidents').values({ ...open, kind: 'manual' }).execute();
    await t.db.updateTable('incidents').set({ status: 'resolved', resolved_at: new Date() }).where('id', '=', Number(first.insertId)).execute();
    await t.db.insertInto('incidents').values(open).execute();
    const rows = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM incidents WHERE monitor_id = ${monitorId} AND status <> 'resolved' AND kind = 'auto'`.execute(t.db);
    expect(Number(rows.rows[0]!.n)).toBe(1);
  });

  it('0006: a performance incident and an outage of one monitor cannot be open together; down/up backfills the cause of older automatic incidents', async () => {
    const user = await t.db.insertInto('users').values({ name: 'b', email: 'b@example.com', password_hash: 'x' }).executeTakeFirstOrThrow();
    const teamId = Number((await t.db.insertInto('teams').values({ name: 't', owner_id: Number(user.insertId) }).executeTakeFirstOrThrow()).insertId);
    const monitorId = Number(
      (await t.db.insertInto('monitors').values({ team_id: teamId, name: 'm', type: 'http', url: 'http://x', interval_seconds: 60, timeout_ms: 5000 }).executeTakeFirstOrThrow()).insertId,
    );
    const m = await t.db.selectFrom('monitors').select(['alert_on_degraded', 'consecutive_degraded', 'consecutive_fast', 'degraded_since']).where('id', '=', monitorId).executeTakeFirstOrThrow();
    expect(m).toEqual({ alert_on_degraded: 0, consecutive_degraded: 0, consecutive_fast: 0, degraded_since: null });
    const open = { team_id: teamId, monitor_id: monitorId, kind: 'auto' as const, title: 'slow', severity: 'minor' as const, started_at: new Date() };
    await t.db.insertInto('incidents').values({ ...open, cause: 'degraded' }).execute();
    await expect(t.db.insertInto('incidents').values({ ...open, cause: 'down', title: 'down' }).execute()).rejects.toThrow(/Duplicate entry/);

    const migrator = new Migrator({ db: t.db, provider: { getMigrations: async () => migrations } });
    const down = await migrator.migrateTo('2026_11_29_0005_status_pages');
    expect(down.error).toBeUndefined();
    await sql`INSERT INTO incidents (team_id, monitor_id, kind, title, status, severity, started_at, resolved_at)
      VALUES (${teamId}, ${monitorId}, 'auto', 'old outage', 'resolved', 'critical', NOW(3), NOW(3))`.execute(t.db);
    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    const rows = await t.db.selectFrom('incidents').select(['title', 'cause']).where('monitor_id', '=', monitorId).orderBy('id').execute();
    // the column came back empty and was backfilled: every older automatic incident was an outage
    expect(rows).toEqual([
      { title: 'slow', cause: 'down' },
      { title: 'old outage', cause: 'down' },
    ]);
  });
});
