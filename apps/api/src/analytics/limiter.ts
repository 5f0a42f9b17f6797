import type { Redis } from 'ioredis';

export interface CollectLimits {
  /** Events per IP per window. Generous: an office behind one NAT must never be cut off. */
  perIp: number;
  /** Events per site per window. */
  perSite: number;
  windowMs: number;
}

/** 200 events/s per IP and 50,000/s per site, averaged over 10 s windows. */
export const DEFAULT_COLLECT_LIMITS: CollectLimits = { perIp: 2_000, perSite: 500_000, windowMs: 10_000 };

/**
 * Fixed-window counters shared by every API process through Redis, without a Redis round trip
 * per event: each process counts locally and every `syncMs` adds its counts to Redis (one
 * pipeline) and learns the global totals; a key over its limit is refused locally until the
 * window ends. The overshoot is bounded by one sync interval of traffic. When Redis is away the
 * local counts still limit each process.
 */
export class CollectLimiter {
  private local = new Map<string, number>();
  private unsynced = new Map<string, number>();
  private blocked = new Map<string, number>();
  private window = 0;
  private timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    public limits: CollectLimits = DEFAULT_COLLECT_LIMITS,
    private readonly clock: () => number = Date.now,
    syncMs = 200,
  ) {
    this.timer = setInterval(() => void this.sync(), syncMs);
    this.timer.unref();
  }

  /** Counts one event; returns 0 when allowed, else seconds until the window ends. */
  hit(kind: 'ip' | 'site', id: string | number): number {
    const now = this.clock();
    const window = Math.floor(now / this.limits.windowMs);
    if (window !== this.window) {
      this.window = window;
      this.local.clear();
      this.unsynced.clear();
      this.blocked.clear();
    }
    const key = `${kind}:${id}`;
    const retry = Math.max(1, Math.ceil(((window + 1) * this.limits.windowMs - now) / 1000));
    if (this.blocked.has(key)) return retry;
    const max = kind === 'ip' ? this.limits.perIp : this.limits.perSite;
    const n = (this.local.get(key) ?? 0) + 1;
    if (n > max) {
      this.blocked.set(key, window);
      return retry;
    }
    this.local.set(key, n);
    this.unsynced.set(key, (this.unsynced.get(key) ?? 0) + 1);
    return 0;
  }

  async sync(): Promise<void> {
    if (this.unsynced.size === 0 || this.redis.status !== 'ready') return;
    const window = this.window;
    const entries = [...this.unsynced];
    this.unsynced.clear();
    const pipe = this.redis.pipeline();
    for (const [key, n] of entries) {
      const rk = `${this.prefix}:analytics:rl:${window}:${key}`;
      pipe.incrby(rk, n);
      pipe.pexpire(rk, this.limits.windowMs * 2);
    }
    try {
      const results = (await pipe.exec()) ?? [];
      if (window !== this.window) return;
      entries.forEach(([key], i) => {
        const total = Number(results[i * 2]?.[1] ?? 0);
        const max = key.startsWith('ip:') ? this.limits.perIp : this.limits.perSite;
        if (total > max) this.blocked.set(key, window);
      });
    } catch {
      // Redis away: local counting still applies.
    }
  }

  close() {
    clearInterval(this.timer);
  }
}
