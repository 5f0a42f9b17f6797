/** Raised by withTimeout when the promise did not settle in time. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
  constructor(readonly ms: number) {
    super(`timed out after ${ms} ms`);
  }
}

/**
 * The one bounded wait of the repo: settles like `p`, or rejects with TimeoutError after `ms`.
 * The timer is always cleared, so a fast promise leaves nothing pending that would keep a process
 * (or a test) alive. Callers that prefer a fallback value write `withTimeout(p, ms).catch(() => x)`.
 */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
