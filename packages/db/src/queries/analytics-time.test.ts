import { describe, expect, it } from 'vitest';
import { monthSplit } from './analytics-stats';
import { addDays, dateRange, daysBetween, localDate, localDayStartUtc, offsetSegments, tzOffsetMinutes } from './analytics-time';

const iso = (ms: number) => new Date(ms).toISOString();

describe('site time zones', () => {
  it.each([
    ['UTC', '2026-06-01', '2026-06-01T00:00:00.000Z'],
    ['Europe/Berlin', '2026-06-01', '2026-05-31T22:00:00.000Z'],
    ['Europe/Berlin', '2026-01-15', '2026-01-14T23:00:00.000Z'],
    ['America/New_York', '2026-03-08', '2026-03-08T05:00:00.000Z'], // DST starts that night
    ['America/New_York', '2026-03-09', '2026-03-09T04:00:00.000Z'],
    ['Asia/Kolkata', '2026-06-01', '2026-05-31T18:30:00.000Z'],
    ['Pacific/Kiritimati', '2026-06-01', '2026-05-31T10:00:00.000Z'],
  ])('%s: %s starts at %s', (tz, date, start) => {
    expect(iso(localDayStartUtc(date, tz))).toBe(start);
    expect(localDate(localDayStartUtc(date, tz), tz)).toBe(date);
    expect(localDate(localDayStartUtc(date, tz) - 1, tz)).toBe(addDays(date, -1));
  });

  it('a DST day has 23 hours', () => {
    const len = localDayStartUtc('2026-03-30', 'Europe/Berlin') - localDayStartUtc('2026-03-29', 'Europe/Berlin');
    expect(len).toBe(23 * 3_600_000);
  });

  it('finds the offset segments of a range to the minute', () => {
    const segs = offsetSegments('Europe/Berlin', Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-12-31T00:00:00Z'));
    expect(segs.map((s) => [Number.isFinite(s.untilUtc) ? iso(s.untilUtc) : 'end', s.offsetMinutes])).toEqual([
      ['2026-03-29T01:00:00.000Z', 60],
      ['2026-10-25T01:00:00.000Z', 120],
      ['end', 60],
    ]);
    expect(offsetSegments('UTC', 0, 400 * 86_400_000)).toEqual([{ untilUtc: Number.POSITIVE_INFINITY, offsetMinutes: 0 }]);
    expect(tzOffsetMinutes('Asia/Kolkata', Date.parse('2026-06-01T00:00:00Z'))).toBe(330);
  });

  it('date helpers', () => {
    expect(dateRange('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(daysBetween('2026-01-01', '2026-12-31')).toBe(364);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('month split for rollup reads', () => {
  it.each([
    ['2026-01-01', '2026-12-31', [...Array(12)].map((_, i) => `2026-${String(i + 1).padStart(2, '0')}-01`), []],
    ['2025-11-30', '2026-11-28', [...Array(11)].map((_, i) => (i === 0 ? '2025-12-01' : `2026-${String(i).padStart(2, '0')}-01`)), [['2025-11-30', '2025-11-30'], ['2026-11-01', '2026-11-28']]],
    ['2026-02-10', '2026-02-20', [], [['2026-02-10', '2026-02-20']]],
    ['2026-02-10', '2026-03-31', ['2026-03-01'], [['2026-02-10', '2026-02-28']]],
    ['2024-02-01', '2024-02-29', ['2024-02-01'], []],
  ])('%s..%s', (from, to, months, days) => {
    expect(monthSplit(from, to)).toEqual({ months, days });
  });
});
