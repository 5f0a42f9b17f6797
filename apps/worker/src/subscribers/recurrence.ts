import type { Db } from '@sentrypulse/db';

/** Recurring maintenance occurrences (filled in with the recurrence work). */
export async function materialiseRecurrences(_db: Db, _now: Date): Promise<number> {
  return 0;
}
