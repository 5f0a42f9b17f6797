import { monitorsInMaintenance } from '@sentrypulse/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, teamWithRoles, type TestApp, type TestUser } from '../../test/helpers';
import { databaseFingerprint } from '../../test/tables';
import { insertMonitor } from '../public/fixtures';

let t: TestApp;
let teamId: number;
let admin: TestUser;
let member: TestUser;
let monitor: number;
beforeAll(async () => {
  t = await createTestApp();
  ({ teamId, admin, member } = await teamWithRoles(t, 'business'));
  monitor = await insertMonitor(t.db, teamId, { status: 'up' });
});
afterAll(() => t.close());

/** A Sunday-night window starting next week, local time in Berlin. */
function nextSundayLocal(): string {
  const d = new Date(Date.now() + 7 * 86_400_000);
  d.setUTCDate(d.getUTCDate() + ((7 - d.getUTCDay()) % 7));
  return `${d.toISOString().slice(0, 10)}T02:00`;
}

describe('recurring maintenance', () => {
  it('previews the next five occurrences, creates the series and its windows, which suppress alerts and show on the page', async () => {
    const body = { rrule: 'FREQ=WEEKLY;BYDAY=SU;COUNT=10', timezone: 'Europe/Berlin', starts_at_local: nextSundayLocal(), duration_minutes: 90 };
    const preview = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/maintenance-series/preview`, headers: bearer(member), payload: body });
    expect(preview.statusCode).toBe(200);
    const occ = preview.json().occurrences as Array<{ starts_at: string; ends_at: string }>;
    expect(occ).toHaveLength(5);
    for (const o of occ) expect(new Date(o.ends_at).getTime() - new Date(o.starts_at).getTime()).toBe(90 * 60_000);

    const res = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/maintenance-series`, headers: bearer(admin), payload: { ...body, title: 'Weekly DB patching', monitor_ids: [monitor] } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().next_occurrences).toEqual(occ);
    const windows = await t.db.selectFrom('maintenance_windows').selectAll().where('team_id', '=', teamId).orderBy('starts_at').execute();
    // The occurrences within the 14-day horizon exist as windows.
    expect(windows.length).toBeGreaterThanOrEqual(1);
    expect(windows[0]!.starts_at.toISOString()).toBe(occ[0]!.starts_at);
    const inside = new Date(new Date(occ[0]!.starts_at).getTime() + 60_000);
    expect((await monitorsInMaintenance(t.db, [monitor], inside)).has(monitor)).toBe(true);
    expect((await monitorsInMaintenance(t.db, [monitor], new Date(new Date(occ[0]!.ends_at).getTime() + 60_000))).has(monitor)).toBe(false);

    const list = await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/maintenance-series`, headers: bearer(member) });
    expect(list.json().items[0]).toMatchObject({ title: 'Weekly DB patching', timezone: 'Europe/Berlin' });

    const del = await t.app.inject({ method: 'DELETE', url: `/api/teams/${teamId}/maintenance-series/${res.json().id}`, headers: bearer(admin) });
    expect(del.statusCode).toBe(204);
    expect(await t.db.selectFrom('maintenance_windows').select('id').where('team_id', '=', teamId).execute()).toEqual([]);
  });

  it.each([
    ['a rule that never ends', { rrule: 'FREQ=WEEKLY;BYDAY=SU' }, /must end/],
    ['an hourly rule', { rrule: 'FREQ=HOURLY;COUNT=3' }, /FREQ/],
    ['an unknown time zone', { timezone: 'Nowhere/City' }, /time zone/],
    ['a start that is not a date', { starts_at_local: '2027-13-01T00:00' }, /starts_at_local/],
    ['a zero duration', { duration_minutes: 0 }, /duration/],
    ['a monitor of nobody', { monitor_ids: [987654] }, /not a monitor of this team/],
  ])('refuses %s with a 400 problem and stores nothing', async (_n, change, detail) => {
    const before = await databaseFingerprint(t.db);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/teams/${teamId}/maintenance-series`,
      headers: bearer(admin),
      payload: { title: 'x', rrule: 'FREQ=DAILY;COUNT=3', timezone: 'UTC', starts_at_local: '2030-01-01T00:00', duration_minutes: 30, monitor_ids: [monitor], ...change },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.json().detail).toMatch(detail);
    expect(await databaseFingerprint(t.db)).toEqual(before);
  });

  it('members may preview but not create', async () => {
    const res = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/maintenance-series`, headers: bearer(member), payload: { title: 'x', rrule: 'FREQ=DAILY;COUNT=3', timezone: 'UTC', starts_at_local: '2030-01-01T00:00', duration_minutes: 30, monitor_ids: [monitor] } });
    expect(res.statusCode).toBe(403);
  });
});
