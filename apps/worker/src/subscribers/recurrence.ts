import { expandSeries, seriesToExpand, type Db } from '@sentrypulse/db';
import { occurrencesBetween } from '@sentrypulse/shared/recurrence';

/** How far ahead occurrences exist as maintenance windows (the page shows them, notices go out). */
export const EXPANSION_HORIZON_MS = 14 * 86_400_000;

/**
 * Rolls every recurring maintenance series forward (ADR 0135): occurrences up to the horizon
 * become maintenance_windows rows, once each. A series whose rule no longer parses is skipped.
 */
export async function materialiseRecurrences(db: Db, now: Date): Promise<number> {
  const horizon = new Date(now.getTime() + EXPANSION_HORIZON_MS);
  let added = 0;
  for (const s of await seriesToExpand(db, new Date(horizon.getTime() - 3_600_000))) {
    let occurrences;
    try {
      occurrences = occurrencesBetween(s, new Date(now.getTime() - 3_600_000), horizon, 500);
    } catch {
      continue;
    }
    added += await expandSeries(db, { ...s, monitor_ids: s.monitor_ids }, occurrences, horizon);
  }
  return added;
}
