import { describe, expect, it } from 'vitest';
import { componentStatus, dateRange, floorPercent, overallStatus, uptimeBar, type ComponentFacts, type PageFacts } from './rules';

describe('componentStatus', () => {
  const cases: Array<[string, ComponentFacts, string]> = [
    ['up monitor is operational', { monitorStatus: 'up', inMaintenance: false, openIncidentSeverities: [] }, 'operational'],
    ['down monitor is an outage', { monitorStatus: 'down', inMaintenance: false, openIncidentSeverities: [] }, 'outage'],
    ['degraded monitor is degraded', { monitorStatus: 'degraded', inMaintenance: false, openIncidentSeverities: [] }, 'degraded'],
    ['pending monitor is unknown', { monitorStatus: 'pending', inMaintenance: false, openIncidentSeverities: [] }, 'unknown'],
    ['paused monitor is unknown', { monitorStatus: 'paused', inMaintenance: false, openIncidentSeverities: [] }, 'unknown'],
    ['maintenance wins over down', { monitorStatus: 'down', inMaintenance: true, openIncidentSeverities: ['critical'] }, 'maintenance'],
    ['open critical incident on an up monitor is an outage', { monitorStatus: 'up', inMaintenance: false, openIncidentSeverities: ['critical'] }, 'outage'],
    ['open minor incident on an up monitor is degraded', { monitorStatus: 'up', inMaintenance: false, openIncidentSeverities: ['minor'] }, 'degraded'],
    ['open major incident on a paused monitor is degraded', { monitorStatus: 'paused', inMaintenance: false, openIncidentSeverities: ['major'] }, 'degraded'],
  ];
  it.each(cases)('%s', (_name, facts, expected) => {
    expect(componentStatus(facts)).toBe(expected);
  });
});

describe('overallStatus', () => {
  const page = (components: PageFacts['components'], extra: Partial<PageFacts> = {}): PageFacts => ({
    components,
    pageIncidentSeverities: [],
    maintenanceInProgress: false,
    ...extra,
  });
  const cases: Array<[string, PageFacts, string]> = [
    ['no components is operational', page([]), 'operational'],
    ['all operational', page(['operational', 'operational']), 'operational'],
    ['unknown components are ignored', page(['operational', 'unknown', 'unknown']), 'operational'],
    ['one of three down is a partial outage', page(['outage', 'operational', 'operational']), 'partial_outage'],
    ['half down is a major outage', page(['outage', 'operational']), 'major_outage'],
    ['all down is a major outage', page(['outage', 'outage']), 'major_outage'],
    ['only known components count: 1 down of 1 known', page(['outage', 'unknown', 'unknown']), 'major_outage'],
    ['degraded component', page(['degraded', 'operational']), 'degraded'],
    ['outage beats degraded', page(['degraded', 'outage', 'operational', 'operational']), 'partial_outage'],
    ['maintenance component', page(['maintenance', 'operational']), 'maintenance'],
    ['degraded beats maintenance', page(['maintenance', 'degraded', 'operational']), 'degraded'],
    ['maintenance in progress on the page', page(['operational'], { maintenanceInProgress: true }), 'maintenance'],
    ['page-level critical incident', page(['operational'], { pageIncidentSeverities: ['critical'] }), 'partial_outage'],
    ['page-level minor incident', page(['operational'], { pageIncidentSeverities: ['minor'] }), 'degraded'],
    ['page-level minor incident beats maintenance', page(['maintenance'], { pageIncidentSeverities: ['minor'] }), 'degraded'],
  ];
  it.each(cases)('%s', (_name, facts, expected) => {
    expect(overallStatus(facts)).toBe(expected);
  });
});

describe('floorPercent', () => {
  const cases: Array<[number, number, number | null]> = [
    [0, 0, null],
    [10, 10, 100],
    [0, 10, 0],
    [99_999, 100_000, 99.99],
    [9_999, 10_000, 99.99],
    [1, 3, 33.33],
    [2, 3, 66.66],
    [1439, 1440, 99.93],
    [12, 10, 100],
  ];
  it.each(cases)('%i of %i is %s', (up, total, expected) => {
    expect(floorPercent(up, total)).toBe(expected);
  });

  it('stays within 0..100 and never rounds up, for many ratios', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 5000; i += 1) {
      const total = 1 + Math.floor(rnd() * 200_000);
      const up = Math.floor(rnd() * (total + 1));
      const p = floorPercent(up, total)!;
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(100);
      expect(p).toBeLessThanOrEqual((up / total) * 100 + 1e-9);
      expect((up / total) * 100 - p).toBeLessThan(0.01 + 1e-9);
      if (up < total) expect(p).toBeLessThan(100);
    }
  });
});

describe('uptimeBar', () => {
  const today = new Date('2026-11-29T15:30:00Z');

  it('has 90 days ending today, oldest first', () => {
    const { days } = uptimeBar([], today);
    expect(days).toHaveLength(90);
    expect(days[0]!.date).toBe('2026-09-01');
    expect(days[89]!.date).toBe('2026-11-29');
    expect(days.every((d) => d.uptime === null && d.downtime_seconds === null)).toBe(true);
  });

  it('crosses month and year ends', () => {
    expect(dateRange(new Date('2027-01-02T00:00:00Z'), 4)).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect(dateRange(new Date('2028-03-01T23:59:59Z'), 2)).toEqual(['2028-02-29', '2028-03-01']);
  });

  it('fills days from rollups and sums the range in seconds, not from daily percents', () => {
    const bar = uptimeBar(
      [
        { date: '2026-11-28', monitored_seconds: 86_400, downtime_seconds: 0, maintenance_seconds: 0 },
        { date: '2026-11-29', monitored_seconds: 3_600, downtime_seconds: 1_800, maintenance_seconds: 0 },
        { date: '2026-01-01', monitored_seconds: 86_400, downtime_seconds: 86_400, maintenance_seconds: 0 }, // outside the range
      ],
      today,
    );
    expect(bar.days[88]).toEqual({ date: '2026-11-28', uptime: 100, downtime_seconds: 0 });
    expect(bar.days[89]).toEqual({ date: '2026-11-29', uptime: 50, downtime_seconds: 1800 });
    expect(bar.countedSeconds).toBe(90_000);
    expect(bar.upSeconds).toBe(88_200);
    expect(bar.uptime).toBe(98); // 88200/90000 = 98 %, while the mean of the daily percents is 75 %
  });

  it('counts only monitored time (the engine already leaves maintenance out of it)', () => {
    const bar = uptimeBar([{ date: '2026-11-29', monitored_seconds: 43_200, downtime_seconds: 864, maintenance_seconds: 43_200 }], today);
    expect(bar.days[89]!.uptime).toBe(98); // 864 s down of 43,200 monitored
    const allMaintenance = uptimeBar([{ date: '2026-11-29', monitored_seconds: 0, downtime_seconds: 0, maintenance_seconds: 86_400 }], today);
    expect(allMaintenance.days[89]!.uptime).toBeNull();
  });

  it('caps downtime at the counted time', () => {
    const bar = uptimeBar([{ date: '2026-11-29', monitored_seconds: 100, downtime_seconds: 500, maintenance_seconds: 0 }], today);
    expect(bar.days[89]).toEqual({ date: '2026-11-29', uptime: 0, downtime_seconds: 100 });
  });

  it('treats a day with nothing monitored as no data', () => {
    const bar = uptimeBar([{ date: '2026-11-29', monitored_seconds: 0, downtime_seconds: 0, maintenance_seconds: 0 }], today);
    expect(bar.days[89]!.uptime).toBeNull();
    expect(bar.uptime).toBeNull();
  });
});
