import { hash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Visitor id = first 8 bytes of SHA-256(daily salt ‖ site ‖ IP ‖ User-Agent), hex. The salt
 * changes every UTC day and is deleted after the next midnight's grace, so ids of two days cannot be linked and the IP
 * cannot be recovered; the IP itself is never stored.
 */
export function visitorId(salt: Buffer, siteId: number, ip: string, ua: string): string {
  // One-shot hash over salt ‖ UTF-8 of the rest, assembled in a reused buffer: the same bytes as
  // createHash().update(salt).update(rest), without a Hash object per event.
  const rest = `\0${siteId}\0${ip}\0${ua}`;
  // A UTF-16 code unit is at most 3 UTF-8 bytes; collect caps the UA at 1,000 characters.
  if (salt.length + rest.length * 3 > scratch.length) return hash('sha256', Buffer.concat([salt, Buffer.from(rest)]), 'hex').slice(0, 16);
  salt.copy(scratch, 0);
  const n = scratch.write(rest, salt.length, 'utf8');
  return hash('sha256', scratch.subarray(0, salt.length + n), 'hex').slice(0, 16);
}
const scratch = Buffer.alloc(4_096);

const DAY = 86_400_000;
/** How long after 00:00 UTC yesterday's salt is still used: a visit ends after 30 min idle. */
export const SALT_GRACE_MS = 30 * 60_000;

export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Daily salts kept in Redis (shared by every API process) and cached in memory. The first
 * process to need a day's salt creates it (SET NX). Only today's salt and, during the grace after
 * midnight, yesterday's are kept, in memory and in Redis: the first lookup past the grace drops
 * yesterday's from memory and deletes it from Redis. Each salt also expires 35 min into the next
 * UTC day, so a salt is gone even when no API process runs at the end of the grace.
 */
export class Salts {
  private cache = new Map<string, Buffer | null>();
  private pending = new Map<string, Promise<Buffer | null>>();
  /** The UTC days whose salt may be held in memory: today, and yesterday during the grace. */
  private wanted = new Set<string>();
  /** The day whose salt this process deleted from Redis already (once per day, not per event). */
  private deleted = '';

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(date: string) {
    return `${this.prefix}:analytics:salt:${date}`;
  }

  /** The answer for the current UTC day once past its grace period: no work per event. */
  private steady: { day: number; value: { today: Buffer; yesterday: Buffer | null } } | null = null;

  /** The UTC days whose salt this process holds in memory: today's, and yesterday's in the grace. */
  heldDays(): string[] {
    return [...this.cache.keys()].sort();
  }

  /** Today's salt and, during the grace period after midnight, yesterday's (if it exists). */
  forInstant(nowMs: number): Promise<{ today: Buffer; yesterday: Buffer | null }> | { today: Buffer; yesterday: Buffer | null } {
    const day = Math.floor(nowMs / DAY);
    if (this.steady && this.steady.day === day && nowMs - day * DAY >= SALT_GRACE_MS) return this.steady.value;
    return this.resolve(nowMs);
  }

  private async resolve(nowMs: number): Promise<{ today: Buffer; yesterday: Buffer | null }> {
    const today = utcDate(nowMs);
    const dayStart = Date.parse(`${today}T00:00:00Z`);
    const inGrace = nowMs - dayStart < SALT_GRACE_MS;
    const yesterdayDate = utcDate(dayStart - DAY);
    this.retainOnly(inGrace ? [today, yesterdayDate] : [today]);
    const [t, y] = await Promise.all([this.get(today, dayStart, true), inGrace ? this.get(yesterdayDate, dayStart - DAY, false) : null]);
    if (!t) throw new Error('salt unavailable');
    if (!inGrace) {
      // A lookup that raced this one may have cached yesterday's salt after the first pass.
      this.retainOnly([today]);
      if (this.deleted !== yesterdayDate) {
        await this.redis.del(this.key(yesterdayDate));
        this.deleted = yesterdayDate;
      }
      this.steady = { day: Math.floor(nowMs / DAY), value: { today: t, yesterday: null } };
    }
    return { today: t, yesterday: y };
  }

  /** Forgets every other day's salt (older ones, and newer ones when a test clock goes back). */
  private retainOnly(days: string[]) {
    this.wanted = new Set(days);
    for (const d of this.cache.keys()) if (!this.wanted.has(d)) this.cache.delete(d);
  }

  private get(date: string, dayStart: number, create: boolean): Buffer | null | Promise<Buffer | null> {
    const hit = this.cache.get(date);
    if (hit !== undefined) return hit;
    let p = this.pending.get(date);
    if (!p) {
      p = this.load(date, dayStart, create).finally(() => this.pending.delete(date));
      this.pending.set(date, p);
    }
    return p;
  }

  private async load(date: string, dayStart: number, create: boolean): Promise<Buffer | null> {
    const key = this.key(date);
    if (create) {
      // Expires 35 min into the next UTC day: past the grace period, then gone for good.
      // (Never in the past: a test clock may be set to an earlier day.)
      const expireAt = Math.max(Math.ceil((dayStart + DAY + SALT_GRACE_MS + 5 * 60_000) / 1000), Math.ceil(Date.now() / 1000) + 60);
      await this.redis.set(key, randomBytes(32).toString('hex'), 'EXAT', expireAt, 'NX');
    }
    const hex = await this.redis.get(key);
    const salt = hex ? Buffer.from(hex, 'hex') : null;
    if ((salt || !create) && this.wanted.has(date)) this.cache.set(date, salt);
    return salt;
  }
}
