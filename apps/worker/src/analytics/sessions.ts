import type { IngestEvent } from '@sentrypulse/shared';
import { randomBytes } from 'node:crypto';

/** A visit ends after 30 minutes without an event. */
export const VISIT_TIMEOUT_MS = 30 * 60_000;

/** What the worker remembers about a visitor's current visit (in Redis, 30 min TTL). */
export interface VisitState {
  /** Visit id. */
  id: number;
  /** The visitor id the visit is counted under (yesterday's, for a visit crossing midnight). */
  visitor: string;
  last: number;
  entry: string;
  ref: string;
  us: string;
  um: string;
  uc: string;
}

export function newVisitId(): number {
  // 48 random bits: unique enough per site and day, and safe as a JS number.
  return randomBytes(6).readUIntBE(0, 6);
}

export function stateKey(site: number, visitor: string): string {
  return `${site}:${visitor}`;
}

export interface AssignedEvent {
  event: IngestEvent;
  visit: VisitState;
}

/**
 * Assigns each event (in time order) to a visit. `states` holds the visitors' current visits
 * (keyed by stateKey) and is updated in place; the caller persists the changed keys.
 *
 * An event continues the visit found under today's visitor id, else under yesterday's (sent by
 * the API only in the first 30 min after 00:00 UTC) — in which case today's id becomes an alias
 * of that visit, so the visit goes on after yesterday's salt is deleted. A replayed event
 * (timestamp not after the visit's last one) lands in the same visit again.
 */
export function assignVisits(events: IngestEvent[], states: Map<string, VisitState>): { assigned: AssignedEvent[]; changed: Set<string> } {
  const sorted = [...events].sort((a, b) => a.ts - b.ts);
  const changed = new Set<string>();
  const assigned: AssignedEvent[] = [];
  const alive = (s: VisitState | undefined, ts: number): s is VisitState => !!s && ts - s.last <= VISIT_TIMEOUT_MS;
  for (const e of sorted) {
    const key = stateKey(e.site, e.v);
    let visit = states.get(key);
    if (!alive(visit, e.ts) && e.pv) {
      const prev = states.get(stateKey(e.site, e.pv));
      if (alive(prev, e.ts)) visit = prev;
    }
    if (!alive(visit, e.ts)) {
      visit = { id: newVisitId(), visitor: e.v, last: e.ts, entry: e.path, ref: e.ref, us: e.us, um: e.um, uc: e.uc };
    }
    if (e.ts > visit.last) visit.last = e.ts;
    states.set(key, visit);
    changed.add(key);
    if (visit.visitor !== e.v) {
      // Keep yesterday's key fresh as well, for events still hashed with yesterday's salt.
      states.set(stateKey(e.site, visit.visitor), visit);
      changed.add(stateKey(e.site, visit.visitor));
    }
    assigned.push({ event: e, visit });
  }
  return { assigned, changed };
}
