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

/** One key's state in the current window. */
interface Counter {
  /** Events counted here (this process) in the window. */
  local: number;
  /** Of those, not yet added to Redis. */
  unsynced: number;
  /** Over the limit (locally or globally): refused until the window ends. */
  blocked: boolean;
}

/**
 * INCRBY + PEXPIRE for every key of one sync in a single round trip; returns the global totals
 * in key order. The expiry is set when a sync creates the key (INCRBY returned its own count).
 */
const SYNC_SCRIPT = `
local totals = {}
local ttl = tonumber(ARGV[1])
for i = 1, #KEYS do
  local n = tonumber(ARGV[i + 1])
  local total = redis.call('INCRBY', KEYS[i], n)
  if total == n then redis.call('PEXPIRE', KEYS[i], ttl) end
  totals[i] = total
end
return totals
`;

const SYNC_CHUNK = 1_000;

type SyncingRedis = Redis & { collectLimiterSync(numKeys: number, ...args: (string | number)[]): Promise<number[]> };

/**
 * Fixed-window counters shared by every API process through Redis, without a Redis round trip
 * per event: each process counts locally and every `syncMs` adds its counts to Redis (one
 * script call for all keys) and learns the global totals; a key over its limit is refused
 * locally until the window ends. The overshoot is bounded by one sync interval of traffic. When
 * Redis is away the local counts still limit each process.
 */
export class CollectLimiter {
  private ips = new Map<string, Counter>();
  private sites = new Map<number, Counter>();
  private window = 0;
  private timer: NodeJS.Timeout;
  private readonly redis: SyncingRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    public limits: CollectLimits = DEFAULT_COLLECT_LIMITS,
    private readonly clock: () => number = Date.now,
    syncMs = 200,
  ) {
    if (!('collectLimiterSync' in redis)) redis.defineCommand('collectLimiterSync', { lua: SYNC_SCRIPT });
    this.redis = redis as SyncingRedis;
    this.timer = setInterval(() => void this.sync(), syncMs);
    this.timer.unref();
  }

  /** Counts one event; returns 0 when allowed, else seconds until the window ends. */
  hit(kind: 'ip' | 'site', id: string | number): number {
    const now = this.clock();
    const windowMs = this.limits.windowMs;
    const window = Math.floor(now / windowMs);
    if (window !== this.window) {
      this.window = window;
      this.ips.clear();
      this.sites.clear();
    }
    let c: Counter | undefined;
    let max: number;
    if (kind === 'ip') {
      c = this.ips.get(id as string);
      if (c === undefined) this.ips.set(id as string, (c = { local: 0, unsynced: 0, blocked: false }));
      max = this.limits.perIp;
    } else {
      c = this.sites.get(id as number);
      if (c === undefined) this.sites.set(id as number, (c = { local: 0, unsynced: 0, blocked: false }));
      max = this.limits.perSite;
    }
    if (!c.blocked) {
      if (c.local < max) {
        c.local += 1;
        c.unsynced += 1;
        return 0;
      }
      c.blocked = true;
    }
    return Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
  }

  async sync(): Promise<void> {
    if (this.redis.status !== 'ready') return;
    const window = this.window;
    const keys: string[] = [];
    const counters: Counter[] = [];
    const maxes: number[] = [];
    const base = `${this.prefix}:analytics:rl:${window}:`;
    for (const [ip, c] of this.ips) {
      if (c.unsynced === 0) continue;
      keys.push(`${base}ip:${ip}`);
      counters.push(c);
      maxes.push(this.limits.perIp);
    }
    for (const [site, c] of this.sites) {
      if (c.unsynced === 0) continue;
      keys.push(`${base}site:${site}`);
      counters.push(c);
      maxes.push(this.limits.perSite);
    }
    if (keys.length === 0) return;
    const ttl = this.limits.windowMs * 2;
    const calls: Promise<void>[] = [];
    // At most SYNC_CHUNK keys per script call, so one sync never holds Redis for long.
    for (let from = 0; from < keys.length; from += SYNC_CHUNK) {
      const to = Math.min(keys.length, from + SYNC_CHUNK);
      const args: (string | number)[] = keys.slice(from, to);
      args.push(ttl);
      for (let i = from; i < to; i++) {
        args.push(counters[i]!.unsynced);
        counters[i]!.unsynced = 0;
      }
      calls.push(
        this.redis.collectLimiterSync(to - from, ...args).then(
          (totals) => {
            if (window !== this.window) return;
            for (let i = from; i < to; i++) if (Number(totals[i - from]) > maxes[i]!) counters[i]!.blocked = true;
          },
          () => {
            // Redis away: local counting still applies.
          },
        ),
      );
    }
    await Promise.all(calls);
  }

  close() {
    clearInterval(this.timer);
  }
}
