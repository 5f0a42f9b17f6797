import { describe, expect, it } from 'vitest';
import { formatChange, formatCompact, formatDuration, formatInterval, formatMs, formatRelative, formatUptime } from '../lib/format';
import { safeNext } from '../lib/next-path';
import { dayTone } from '../components/ui/uptime-bar';

describe('formatUptime', () => {
  it.each([
    [100, '100%'],
    [99.996, '99.99%'],
    [99.9, '99.9%'],
    [99.5, '99.5%'],
    [0, '0%'],
    [42.123, '42.12%'],
    [null, '—'],
    [Number.NaN, '—'],
    [120, '100%'],
  ])('%s -> %s (floored, never rounds up to 100)', (input, out) => {
    expect(formatUptime(input)).toBe(out);
  });
});

describe('formatMs', () => {
  it.each([
    [87.4, '87 ms'],
    [999, '999 ms'],
    [1240, '1.24 s'],
    [12_500, '12.5 s'],
    [null, '—'],
  ])('%s -> %s', (input, out) => expect(formatMs(input)).toBe(out));
});

describe('formatRelative', () => {
  const now = Date.parse('2026-11-29T12:00:00Z');
  it.each([
    ['2026-11-29T12:00:00Z', 'just now'],
    ['2026-11-29T11:59:18Z', '42 s ago'],
    ['2026-11-29T11:55:00Z', '5 min ago'],
    ['2026-11-29T09:00:00Z', '3 h ago'],
    ['2026-11-27T12:00:00Z', '2 d ago'],
    ['2026-11-29T12:05:00Z', 'in 5 min'],
    [null, 'never'],
    ['not a date', '—'],
  ])('%s -> %s', (input, out) => expect(formatRelative(input, now)).toBe(out));
});

describe('formatCompact', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1k'],
    [1234, '1.2k'],
    [1299, '1.2k'],
    [12_345, '12k'],
    [1_250_000, '1.2M'],
    [-1500, '-1.5k'],
    [null, '—'],
  ])('%s -> %s', (input, out) => expect(formatCompact(input)).toBe(out));
});

describe('formatDuration, formatChange, formatInterval', () => {
  it('formats visit durations', () => {
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(185)).toBe('3m 05s');
    expect(formatDuration(7620)).toBe('2h 07m');
    expect(formatDuration(3 * 86_400 + 4 * 3600)).toBe('3d 4h');
    expect(formatDuration(-1)).toBe('—');
  });
  it('signs changes and hides a missing baseline', () => {
    expect(formatChange(12.4)).toBe('+12%');
    expect(formatChange(-3.54)).toBe('\u22123.5%');
    expect(formatChange(0.01)).toBe('0%');
    expect(formatChange(null)).toBe('—');
  });
  it('says intervals as people do', () => {
    expect(formatInterval(30)).toBe('30 s');
    expect(formatInterval(60)).toBe('1 min');
    expect(formatInterval(90)).toBe('1.5 min');
    expect(formatInterval(86_400)).toBe('24 h');
  });
});

describe('uptime bar colours', () => {
  it('maps a day to no data, up, degraded or down', () => {
    expect(dayTone(null)).toBe('none');
    expect(dayTone(100)).toBe('up');
    expect(dayTone(99.95)).toBe('up');
    expect(dayTone(98)).toBe('degraded');
    expect(dayTone(50)).toBe('down');
  });
});

describe('safeNext', () => {
  it('keeps same-site paths and refuses everything that leaves the site', () => {
    expect(safeNext('/t/1/monitors')).toBe('/t/1/monitors');
    expect(safeNext('https://evil.example/')).toBe('/');
    expect(safeNext('//evil.example/')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext(null, '/x')).toBe('/x');
  });
});
