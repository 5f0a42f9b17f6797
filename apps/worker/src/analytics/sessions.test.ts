import type { IngestEvent } from '@sentrypulse/shared';
import { describe, expect, it } from 'vitest';
import { assignVisits, stateKey, type VisitState } from './sessions';

const T0 = Date.parse('2026-03-10T10:00:00Z');
const MIN = 60_000;

function ev(over: Partial<IngestEvent>): IngestEvent {
  return {
    id: Math.random().toString(16).slice(2).padEnd(32, '0'),
    site: 1,
    ts: T0,
    v: 'aaaaaaaaaaaaaaaa',
    n: 'pageview',
    host: 'example.com',
    path: '/',
    ref: '',
    us: '',
    um: '',
    uc: '',
    b: 'Chrome',
    o: 'Windows',
    d: 'Desktop',
    c: 'DE',
    props: null,
    ...over,
  };
}

describe('visits (30 minutes of inactivity)', () => {
  it('groups events less than 30 min apart into one visit and splits after a longer gap', () => {
    const states = new Map<string, VisitState>();
    const { assigned } = assignVisits(
      [ev({ ts: T0 }), ev({ ts: T0 + 29 * MIN, path: '/b' }), ev({ ts: T0 + 58 * MIN, path: '/c' }), ev({ ts: T0 + 89 * MIN, path: '/d' })],
      states,
    );
    const ids = assigned.map((a) => a.visit.id);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[1]).toBe(ids[2]);
    expect(ids[3]).not.toBe(ids[2]);
    expect(assigned[3]!.visit.entry).toBe('/d');
  });

  it('keeps the entry page, referrer and UTM of the first event for the whole visit', () => {
    const states = new Map<string, VisitState>();
    const { assigned } = assignVisits(
      [ev({ ts: T0 + MIN, path: '/two', ref: '' }), ev({ ts: T0, path: '/landing', ref: 'Google', us: 'news' })],
      states,
    );
    expect(assigned.map((a) => [a.event.path, a.visit.entry, a.visit.ref, a.visit.us])).toEqual([
      ['/landing', '/landing', 'Google', 'news'],
      ['/two', '/landing', 'Google', 'news'],
    ]);
  });

  it('continues across batches through the stored state, and a replayed event lands in the same visit', () => {
    const states = new Map<string, VisitState>();
    const first = ev({ ts: T0 });
    const a = assignVisits([first], states).assigned[0]!.visit.id;
    const b = assignVisits([ev({ ts: T0 + 10 * MIN })], states).assigned[0]!.visit.id;
    const replay = assignVisits([first], states).assigned[0]!.visit.id;
    expect(b).toBe(a);
    expect(replay).toBe(a);
  });

  it('continues a visit across midnight through yesterday\'s visitor id and aliases today\'s id to it', () => {
    const states = new Map<string, VisitState>();
    const midnight = Date.parse('2026-03-11T00:00:00Z');
    const before = assignVisits([ev({ ts: midnight - 10 * MIN, v: 'yyyyyyyyyyyyyyyy' })], states).assigned[0]!.visit;
    // 00:10: the API sends today's id plus yesterday's (within the 30-min grace).
    const after = assignVisits([ev({ ts: midnight + 10 * MIN, v: 'tttttttttttttttt', pv: 'yyyyyyyyyyyyyyyy' })], states).assigned[0]!.visit;
    expect(after.id).toBe(before.id);
    expect(after.visitor).toBe('yyyyyyyyyyyyyyyy');
    // 00:35: yesterday's salt is gone; today's id alone still finds the visit.
    const later = assignVisits([ev({ ts: midnight + 35 * MIN, v: 'tttttttttttttttt' })], states).assigned[0]!.visit;
    expect(later.id).toBe(before.id);
    expect(states.get(stateKey(1, 'tttttttttttttttt'))!.id).toBe(before.id);
  });

  it('does not join yesterday\'s visit when it had already ended', () => {
    const states = new Map<string, VisitState>();
    const midnight = Date.parse('2026-03-11T00:00:00Z');
    const before = assignVisits([ev({ ts: midnight - 40 * MIN, v: 'yyyyyyyyyyyyyyyy' })], states).assigned[0]!.visit;
    const after = assignVisits([ev({ ts: midnight + 1 * MIN, v: 'tttttttttttttttt', pv: 'yyyyyyyyyyyyyyyy' })], states).assigned[0]!.visit;
    expect(after.id).not.toBe(before.id);
    expect(after.visitor).toBe('tttttttttttttttt');
  });

  it('keeps visitors and sites apart', () => {
    const states = new Map<string, VisitState>();
    const { assigned } = assignVisits([ev({ v: 'aaaaaaaaaaaaaaaa' }), ev({ v: 'bbbbbbbbbbbbbbbb' }), ev({ site: 2 })], states);
    expect(new Set(assigned.map((a) => a.visit.id)).size).toBe(3);
  });
});
