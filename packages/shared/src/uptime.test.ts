import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastUtcDates, mergeIntervals, subtractIntervals, truncatedPercent, uptimeFigures, uptimePercent } from './uptime';

const H = 3_600_000;
const DAY = 24 * H;

describe('uptimePercent', () => {
  const window = { start: 0, end: DAY };
  it.each([
    ['no outage', [], [], 100],
    ['one hour down', [{ start: 0, end: H }], [], 95.8333],
    ['down all day', [{ start: 0, end: DAY }], [], 0],
    ['outage outside the window', [{ start: -2 * H, end: -H }], [], 100],
    ['outage partly before the window', [{ start: -H, end: H }], [], 95.8333],
    ['overlapping outages count once', [{ start: 0, end: H }, { start: H / 2, end: H }], [], 95.8333],
    ['outage during maintenance is excluded', [{ start: 0, end: H }], [{ start: 0, end: H }], 100],
    ['half of an outage in maintenance', [{ start: 0, end: 2 * H }], [{ start: 0, end: H }], 95.6521],
    ['one second down never shows 100', [{ start: 0, end: 1000 }], [], 99.9988],
    ['one millisecond down is below 100', [{ start: 0, end: 1 }], [], 99.9999],
  ])('%s', (_name, outages, maintenance, expected) => {
    expect(uptimePercent({ window, outages, maintenance })).toBe(expected);
  });

  it('counts only time since the monitor was created', () => {
    const figures = uptimeFigures({ window, monitoredFrom: DAY - 2 * H, outages: [{ start: DAY - H, end: DAY }] });
    expect(figures).toEqual({ uptime: 50, monitoredMs: 2 * H, downtimeMs: H, maintenanceMs: 0 });
  });

  it('is null when the whole window is maintenance or before creation', () => {
    expect(uptimePercent({ window, outages: [], maintenance: [{ start: -1, end: DAY + 1 }] })).toBeNull();
    expect(uptimePercent({ window, monitoredFrom: DAY + 5, outages: [] })).toBeNull();
  });

  it('an open outage (end = Infinity) counts to the window end', () => {
    expect(uptimePercent({ window, outages: [{ start: DAY / 2, end: Number.POSITIVE_INFINITY }] })).toBe(50);
  });
});

describe('truncatedPercent', () => {
  it.each([
    [2, 3, 66.6666],
    [1, 3, 33.3333],
    [999_999, 1_000_000, 99.9999],
    [9_999_999, 10_000_000, 99.9999],
    [0, 5, 0],
    [5, 5, 100],
  ])('%i of %i is %d', (good, total, expected) => {
    expect(truncatedPercent(good, total)).toBe(expected);
  });
});

const interval = fc
  .tuple(fc.integer({ min: -DAY, max: 2 * DAY }), fc.integer({ min: 0, max: DAY }))
  .map(([start, len]) => ({ start, end: start + len }));

describe('uptime properties', () => {
  it('stays within 0..100, is below 100 whenever there is downtime, and never rounds up', () => {
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 8 }), fc.array(interval, { maxLength: 4 }), (outages, maintenance) => {
        const f = uptimeFigures({ window: { start: 0, end: DAY }, outages, maintenance });
        if (f.uptime === null) return;
        expect(f.uptime).toBeGreaterThanOrEqual(0);
        expect(f.uptime).toBeLessThanOrEqual(100);
        if (f.downtimeMs > 0) expect(f.uptime).toBeLessThan(100);
        const exact = ((f.monitoredMs - f.downtimeMs) / f.monitoredMs) * 100;
        expect(f.uptime).toBeLessThanOrEqual(exact + 1e-9);
        expect(exact - f.uptime).toBeLessThan(0.0001 + 1e-9);
      }),
    );
  });

  it('adding an outage never raises uptime; maintenance over an outage never lowers it', () => {
    fc.assert(
      fc.property(fc.array(interval, { minLength: 1, maxLength: 6 }), interval, (outages, extra) => {
        const window = { start: 0, end: DAY };
        const base = uptimePercent({ window, outages }) ?? 100;
        expect(uptimePercent({ window, outages: [...outages, extra] }) ?? 100).toBeLessThanOrEqual(base);
        const withMaint = uptimePercent({ window, outages, maintenance: [outages[0]!] });
        if (withMaint !== null) expect(withMaint).toBeGreaterThanOrEqual(base);
      }),
    );
  });

  it('merge and subtract preserve total time', () => {
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 8 }), fc.array(interval, { maxLength: 8 }), (a, b) => {
        const merged = mergeIntervals(a);
        for (let i = 1; i < merged.length; i++) expect(merged[i]!.start).toBeGreaterThan(merged[i - 1]!.end);
        const len = (xs: { start: number; end: number }[]) => xs.reduce((s, x) => s + x.end - x.start, 0);
        const inBoth = len(subtractIntervals(a, subtractIntervals(a, b)));
        expect(len(subtractIntervals(a, b)) + inBoth).toBe(len(merged));
      }),
    );
  });
});

describe('lastUtcDates', () => {
  it('lists the last n UTC dates oldest first', () => {
    expect(lastUtcDates(Date.parse('2026-03-01T05:00:00Z'), 3)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });
});
