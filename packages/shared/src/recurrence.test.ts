import { describe, expect, it } from 'vitest';
import { MAX_OCCURRENCES_PER_YEAR, nextOccurrences, occurrencesBetween, RecurrenceError, validateSeries, wallClockToUtc } from './recurrence';

const iso = (d: Date) => d.toISOString();

describe('recurring maintenance (RRULE subset, time zones)', () => {
  it('keeps 02:00 Europe/Berlin across the spring and autumn DST changes (UTC offset +1 → +2 → +1)', () => {
    const s = { rrule: 'FREQ=WEEKLY;BYDAY=SU;COUNT=40', timezone: 'Europe/Berlin', starts_at_local: '2027-03-21T02:30', duration_minutes: 60 };
    const [a, b, c] = nextOccurrences(s, new Date('2027-03-01T00:00:00Z'), 3);
    expect(iso(a!.starts_at)).toBe('2027-03-21T01:30:00.000Z'); // CET, +1
    // 28 March 2027 02:30 does not exist in Berlin (clocks jump 02:00 → 03:00): moved forward to 03:30 CEST.
    expect(iso(b!.starts_at)).toBe('2027-03-28T01:30:00.000Z');
    expect(iso(c!.starts_at)).toBe('2027-04-04T00:30:00.000Z'); // CEST, +2
    const autumn = occurrencesBetween(s, new Date('2027-10-20T00:00:00Z'), new Date('2027-11-08T00:00:00Z'));
    // 31 October 2027 02:30 happens twice (clocks go 03:00 → 02:00): the first one, still CEST.
    expect(autumn.map((o) => iso(o.starts_at))).toEqual(['2027-10-24T00:30:00.000Z', '2027-10-31T00:30:00.000Z', '2027-11-07T01:30:00.000Z']);
    expect(iso(autumn[0]!.ends_at)).toBe('2027-10-24T01:30:00.000Z');
  });

  it('monthly by day of month and by ordinal weekday, daily with an interval, UNTIL', () => {
    expect(nextOccurrences({ rrule: 'FREQ=MONTHLY;BYMONTHDAY=15;COUNT=3', timezone: 'UTC', starts_at_local: '2027-01-15T22:00', duration_minutes: 30 }, new Date('2027-01-01T00:00:00Z')).map((o) => iso(o.starts_at))).toEqual([
      '2027-01-15T22:00:00.000Z',
      '2027-02-15T22:00:00.000Z',
      '2027-03-15T22:00:00.000Z',
    ]);
    expect(nextOccurrences({ rrule: 'FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20270430', timezone: 'America/New_York', starts_at_local: '2027-01-29T23:00', duration_minutes: 30 }, new Date('2027-01-01T00:00:00Z'), 5).map((o) => iso(o.starts_at))).toEqual([
      '2027-01-30T04:00:00.000Z',
      '2027-02-27T04:00:00.000Z',
      '2027-03-27T03:00:00.000Z', // EDT from 14 March
      '2027-05-01T03:00:00.000Z', // Friday 30 April, 23:00 EDT
    ]);
    expect(nextOccurrences({ rrule: 'FREQ=DAILY;INTERVAL=3;COUNT=10', timezone: 'UTC', starts_at_local: '2027-01-01T00:00', duration_minutes: 10 }, new Date('2027-01-02T00:00:00Z'), 2).map((o) => iso(o.starts_at))).toEqual([
      '2027-01-04T00:00:00.000Z',
      '2027-01-07T00:00:00.000Z',
    ]);
  });

  it.each([
    ['never ends', 'FREQ=WEEKLY;BYDAY=MO', /must end/],
    ['both COUNT and UNTIL', 'FREQ=DAILY;COUNT=2;UNTIL=20280101', /exactly one/],
    ['hourly', 'FREQ=HOURLY;COUNT=5', /FREQ must be/],
    ['an unsupported part', 'FREQ=DAILY;COUNT=5;BYHOUR=3', /BYHOUR is not supported/],
    ['a bad weekday', 'FREQ=WEEKLY;BYDAY=XX;COUNT=3', /not a weekday/],
    ['BYMONTHDAY on weekly', 'FREQ=WEEKLY;BYMONTHDAY=3;COUNT=3', /needs FREQ=MONTHLY/],
    ['garbage', 'hello', /KEY=VALUE/],
  ])('refuses a rule that %s', (_n, rrule, message) => {
    expect(() => validateSeries({ rrule, timezone: 'UTC', starts_at_local: '2027-01-01T00:00', duration_minutes: 10 })).toThrow(message);
  });

  it(`keeps the densest rule of the subset under ${MAX_OCCURRENCES_PER_YEAR} a year; refuses a bad zone, start or duration`, () => {
    // Without BYHOUR/BYMINUTE the subset yields at most one occurrence a day (366 a year): the cap guards future extensions.
    const dense = 'FREQ=MONTHLY;BYMONTHDAY=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31;BYDAY=MO,TU,WE,TH,FR,SA,SU;COUNT=5000';
    expect(() => validateSeries({ rrule: dense, timezone: 'UTC', starts_at_local: '2027-01-01T00:00', duration_minutes: 10 })).not.toThrow();
    expect(() => validateSeries({ rrule: 'FREQ=DAILY;COUNT=5', timezone: 'Mars/Olympus', starts_at_local: '2027-01-01T00:00', duration_minutes: 10 })).toThrow(RecurrenceError);
    expect(() => validateSeries({ rrule: 'FREQ=DAILY;COUNT=5', timezone: 'UTC', starts_at_local: '2027-02-30T00:00', duration_minutes: 10 })).toThrow(/not a real date/);
    expect(() => validateSeries({ rrule: 'FREQ=DAILY;COUNT=5', timezone: 'UTC', starts_at_local: '2027-01-01T00:00', duration_minutes: 0 })).toThrow(/duration/);
  });

  it('maps wall clock to UTC in both directions of a DST change', () => {
    expect(iso(wallClockToUtc('Europe/Berlin', new Date('2027-01-10T12:00:00Z')))).toBe('2027-01-10T11:00:00.000Z');
    expect(iso(wallClockToUtc('Europe/Berlin', new Date('2027-07-10T12:00:00Z')))).toBe('2027-07-10T10:00:00.000Z');
    // 31 Oct 2027 02:30 happens twice in Berlin: the first (CEST) is taken.
    expect(iso(wallClockToUtc('Europe/Berlin', new Date('2027-10-31T02:30:00Z')))).toBe('2027-10-31T00:30:00.000Z');
  });
});
