import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam, insertMonitor } from '../monitoring/test-support';
import { fanOutBatch } from './dispatcher';
import { maintenanceNotices } from './notices';
import { materialiseRecurrences } from './recurrence';

/** Maintenance notices and recurring occurrences, against a real database. */
let database: TestDatabase;
let teamId: number;
let pageId: number;
let compA: number;
let compB: number;
let monA: number;
let monB: number;
let subA: string;
let subAll: string;

beforeAll(async () => {
  database = await createTestDatabase('subsweep');
  const db = database.db;
  teamId = await createTeam(db);
  monA = await insertMonitor(db, teamId, { name: 'a', url: 'https://a.example' });
  monB = await insertMonitor(db, teamId, { name: 'b', url: 'https://b.example' });
  pageId = Number((await db.insertInto('status_pages').values({ team_id: teamId, slug: 'sweep', title: 'Sweep', is_public: true }).executeTakeFirstOrThrow()).insertId);
  compA = Number((await db.insertInto('status_page_components').values({ status_page_id: pageId, monitor_id: monA, display_name: 'A', position: 0 }).executeTakeFirstOrThrow()).insertId);
  compB = Number((await db.insertInto('status_page_components').values({ status_page_id: pageId, monitor_id: monB, display_name: 'B', position: 1 }).executeTakeFirstOrThrow()).insertId);
  const sub = async (address: string, components: number[] | null) =>
    String(
      (
        await db
          .insertInto('status_page_subscribers')
          .values({ team_id: teamId, status_page_id: pageId, type: 'email', status: 'active', address, address_hash: address.padEnd(64, '0'), token_nonce: address.padEnd(22, 'n').slice(0, 22), component_ids: components ? JSON.stringify(components) : null })
          .executeTakeFirstOrThrow()
      ).insertId,
    );
  subA = await sub('a@example.test', [compA]);
  subAll = await sub('all@example.test', null);
});
afterAll(() => database.drop());

describe('maintenance notices', () => {
  it('scheduled, started and ended once each, only to subscribers of the affected component', async () => {
    const db = database.db;
    const now = Date.now();
    const w = await db.insertInto('maintenance_windows').values({ team_id: teamId, title: 'Disk swap', description: 'New disks.', starts_at: new Date(now + 3_600_000), ends_at: new Date(now + 7_200_000) }).executeTakeFirstOrThrow();
    const windowId = Number(w.insertId);
    await db.insertInto('maintenance_monitors').values({ maintenance_id: windowId, monitor_id: monB, team_id: teamId }).execute();

    const at = (ms: number) => new Date(now + ms);
    const kinds = async () => (await db.selectFrom('subscriber_notices').select(['kind', 'component_ids']).where('maintenance_id', '=', windowId).orderBy('id').execute()).map((n) => n.kind);
    const scheduled = await maintenanceNotices(db, at(0));
    expect(await kinds()).toEqual(['maintenance.scheduled']);
    // A later sweep makes no second notice (it hands the same one out again until its fan-out is done).
    expect(await maintenanceNotices(db, at(60_000))).toEqual(scheduled);
    expect(await kinds()).toEqual(['maintenance.scheduled']);
    await maintenanceNotices(db, at(3_660_000));
    await maintenanceNotices(db, at(3_720_000));
    await maintenanceNotices(db, at(7_260_000));
    expect(await kinds()).toEqual(['maintenance.scheduled', 'maintenance.started', 'maintenance.ended']);

    const batch = await fanOutBatch(db, scheduled[0]!, '0', 500);
    const targets = await db.selectFrom('subscriber_deliveries').select('subscriber_id').where('notice_id', '=', scheduled[0]!).execute();
    expect(targets.map((t) => String(t.subscriber_id))).toEqual([subAll]);
    expect(batch.pendingIds).toHaveLength(1);
    expect(subA).not.toBe(subAll);
    const notice = await db.selectFrom('subscriber_notices').select(['content', 'component_ids']).where('id', '=', scheduled[0]!).executeTakeFirstOrThrow();
    expect(notice.component_ids).toEqual([compB]);
    expect(notice.content).toMatchObject({ title: 'Disk swap', status: 'scheduled', components: ['B'] });
  });

  it('a page that hides maintenance gets no maintenance notices', async () => {
    const db = database.db;
    await db.updateTable('status_pages').set({ show_maintenances: false }).where('id', '=', pageId).execute();
    const now = Date.now();
    const w = await db.insertInto('maintenance_windows').values({ team_id: teamId, title: 'Hidden', starts_at: new Date(now + 3_600_000), ends_at: new Date(now + 7_200_000) }).executeTakeFirstOrThrow();
    await db.insertInto('maintenance_monitors').values({ maintenance_id: Number(w.insertId), monitor_id: monA, team_id: teamId }).execute();
    await maintenanceNotices(db, new Date(now));
    expect(await db.selectFrom('subscriber_notices').select('id').where('maintenance_id', '=', Number(w.insertId)).execute()).toEqual([]);
    await db.updateTable('status_pages').set({ show_maintenances: true }).where('id', '=', pageId).execute();
  });

  it('the sweep expands a recurring series into windows once (DST-aware starts), and each occurrence gets its notices', async () => {
    const db = database.db;
    const start = new Date(Date.now() + 2 * 86_400_000);
    const local = `${start.toISOString().slice(0, 10)}T03:00`;
    const s = await db
      .insertInto('maintenance_series')
      .values({ team_id: teamId, title: 'Nightly reindex', description: null, rrule: 'FREQ=DAILY;COUNT=5', timezone: 'Europe/Berlin', starts_at_local: local, duration_minutes: 30, monitor_ids: JSON.stringify([monA]) })
      .executeTakeFirstOrThrow();
    const seriesId = Number(s.insertId);
    const now = new Date();
    expect(await materialiseRecurrences(db, now)).toBe(5);
    expect(await materialiseRecurrences(db, now)).toBe(0);
    await db.updateTable('maintenance_series').set({ expanded_until: null }).where('id', '=', seriesId).execute();
    expect(await materialiseRecurrences(db, now)).toBe(0);
    const windows = await db
      .selectFrom('maintenance_occurrences as o')
      .innerJoin('maintenance_windows as w', 'w.id', 'o.window_id')
      .select(['w.id', 'w.starts_at', 'w.ends_at'])
      .where('o.series_id', '=', seriesId)
      .orderBy('w.starts_at')
      .execute();
    expect(windows).toHaveLength(5);
    for (const w of windows) {
      // 03:00 in Berlin is 01:00 or 02:00 UTC depending on the season.
      expect([1, 2]).toContain(w.starts_at.getUTCHours());
      expect(w.ends_at.getTime() - w.starts_at.getTime()).toBe(30 * 60_000);
    }
    const first = windows[0]!;
    await maintenanceNotices(db, new Date(first.starts_at.getTime() + 60_000));
    const notices = await db.selectFrom('subscriber_notices').select('kind').where('maintenance_id', '=', first.id).execute();
    expect(notices.map((n) => n.kind)).toContain('maintenance.started');
  });
});
