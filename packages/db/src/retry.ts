import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema';

/**
 * One place that retries InnoDB lock conflicts (ADR 0104). A deadlock (errno 1213,
 * ER_LOCK_DEADLOCK) means InnoDB chose this transaction as the victim and rolled it back whole;
 * a lock-wait timeout (errno 1205, ER_LOCK_WAIT_TIMEOUT) rolled back the statement, and the
 * transaction is rolled back here before it runs again. Both are "try again" answers, not
 * failures of the request: the transaction is re-run from the start, a bounded number of times,
 * after a jittered exponential pause so the transactions that collided do not collide again in step.
 *
 * The callback may run more than once, so what it does besides SQL must be safe to repeat (the
 * api's schedule upserts and removals are; enqueue jobs after the commit, as ENGINEERING.md says).
 */

export type LockConflict = 'deadlock' | 'lock_wait_timeout';

export interface LockRetryEvent {
  /** What the transaction is, for logs and metrics ('createMonitor', 'applyCheckResults'). */
  label: string;
  reason: LockConflict;
  /** The attempt that failed (1 = the first run). */
  attempt: number;
  /** 'retry': it runs again after `delayMs`; 'gave_up': the attempts are used up and the error is thrown. */
  outcome: 'retry' | 'gave_up';
  delayMs: number;
}

export interface RetryOptions {
  label?: string;
  /** Runs in all, the first included (default 5). */
  attempts?: number;
  /** Pause before the first retry, doubled each time, each pause jittered to 50–150 % (default 20 ms). */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

const listeners = new Set<(e: LockRetryEvent) => void>();
const totals = new Map<string, number>();

/** Subscribes to every retry and give-up in this process (metrics, logs); returns the unsubscribe. */
export function onLockRetry(listener: (e: LockRetryEvent) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Process totals by `${reason}:${outcome}`, e.g. { 'deadlock:retry': 3 }. */
export function lockRetryTotals(): Record<string, number> {
  return Object.fromEntries(totals);
}

/** The lock conflict an error reports (mysql2 sets errno and code; a wrapper may keep it as cause). */
export function lockConflictOf(err: unknown): LockConflict | null {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { errno, code } = e as { errno?: unknown; code?: unknown };
    if (errno === 1213 || code === 'ER_LOCK_DEADLOCK') return 'deadlock';
    if (errno === 1205 || code === 'ER_LOCK_WAIT_TIMEOUT') return 'lock_wait_timeout';
  }
  return null;
}

function emit(e: LockRetryEvent) {
  const key = `${e.reason}:${e.outcome}`;
  totals.set(key, (totals.get(key) ?? 0) + 1);
  for (const l of listeners) {
    try {
      l(e);
    } catch {
      // a failing listener must not turn a retry into an error
    }
  }
}

/** Runs `fn` in a transaction; a deadlock or lock-wait timeout runs it again (bounded, jittered). */
export async function transactionWithRetry<T>(db: Kysely<Database>, fn: (trx: Transaction<Database>) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 5;
  const base = opts.baseDelayMs ?? 20;
  const max = opts.maxDelayMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(fn);
    } catch (err) {
      const reason = lockConflictOf(err);
      if (!reason) throw err;
      const last = attempt >= attempts;
      const delayMs = last ? 0 : Math.round(Math.min(max, base * 2 ** (attempt - 1)) * (0.5 + Math.random()));
      emit({ label: opts.label ?? 'transaction', reason, attempt, outcome: last ? 'gave_up' : 'retry', delayMs });
      if (last) throw err;
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}
