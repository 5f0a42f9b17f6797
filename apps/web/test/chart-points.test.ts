import { describe, expect, it } from 'vitest';
import { comparedPoints, weekly } from '../lib/date-range';

/** The visitors chart: the current series with the previous period's alongside (a dashed line). */
const day = (date: string, pageviews: number, visitors: number) => ({ date, pageviews, visitors });

describe('comparedPoints', () => {
  it('pairs each day with the previous period at the same offset', () => {
    const cur = [day('2026-11-27', 10, 5), day('2026-11-28', 20, 8), day('2026-11-29', 30, 9)];
    const prev = [day('2026-11-24', 1, 1), day('2026-11-25', 2, 2), day('2026-11-26', 3, 3)];
    expect(comparedPoints(cur, prev, false)).toEqual([
      { ...cur[0], previous_date: '2026-11-24', previous_pageviews: 1, previous_visitors: 1 },
      { ...cur[1], previous_date: '2026-11-25', previous_pageviews: 2, previous_visitors: 2 },
      { ...cur[2], previous_date: '2026-11-26', previous_pageviews: 3, previous_visitors: 3 },
    ]);
  });

  it('hours pair the same way (the API sends both series hourly)', () => {
    const cur = [day('2026-11-29 00:00', 1, 1), day('2026-11-29 01:00', 4, 2)];
    const prev = [day('2026-11-28 00:00', 7, 3), day('2026-11-28 01:00', 0, 0)];
    expect(comparedPoints(cur, prev, false).map((p) => [p.date, p.previous_date, p.previous_pageviews])).toEqual([
      ['2026-11-29 00:00', '2026-11-28 00:00', 7],
      ['2026-11-29 01:00', '2026-11-28 01:00', 0],
    ]);
  });

  it('by week: the current weeks as weekly() draws them, the previous series summed over the same offsets', () => {
    // Sat 21 .. Mon 30 November: a partial week, a full week, a partial week.
    const dates = Array.from({ length: 10 }, (_, i) => `2026-11-${String(21 + i).padStart(2, '0')}`);
    const cur = dates.map((d, i) => day(d, i + 1, 1));
    const prev = dates.map((_, i) => day(`2026-11-${String(11 + i).padStart(2, '0')}`, 10 * (i + 1), 2));
    const points = comparedPoints(cur, prev, true);
    expect(points.map(({ date, pageviews, visitors }) => ({ date, pageviews, visitors }))).toEqual(weekly(cur));
    expect(points.map((p) => [p.previous_date, p.previous_pageviews, p.previous_visitors])).toEqual([
      ['2026-11-11', 10 + 20, 4],
      ['2026-11-13', 30 + 40 + 50 + 60 + 70 + 80 + 90, 14],
      ['2026-11-20', 100, 2],
    ]);
  });

  it('without a previous series (or a shorter one) the comparison values are null', () => {
    const cur = [day('2026-11-28', 2, 1), day('2026-11-29', 3, 1)];
    expect(comparedPoints(cur, null, false).every((p) => p.previous_date === null && p.previous_pageviews === null && p.previous_visitors === null)).toBe(true);
    expect(comparedPoints(cur, [day('2026-11-27', 5, 5)], false).map((p) => p.previous_pageviews)).toEqual([5, null]);
  });
});
