import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
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
});
