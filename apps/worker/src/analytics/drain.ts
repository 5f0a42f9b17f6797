import type { Db, RawEventRow } from '@sentrypulse/db';
import { INGEST_CONSUMER_GROUP, ingestStreamKey, type IngestEvent } from '@sentrypulse/shared';
import type { Redis } from 'ioredis';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { insertRawRows } from './raw-insert';
import { assignVisits, VISIT_TIMEOUT_MS, type AssignedEvent, type VisitState } from './sessions';

type StreamEntries = [id: string, fields: string[]][];

export interface DrainOptions {
  db: Db;
  /** State reads/writes (visits). */
  redis: Redis;
  /** A connection of its own for blocking stream reads. */
  blocking: Redis;
  redisPrefix: string;
  log: Logger;
  /** Stream entries per read (each holds up to ~500 events). */
  count?: number;
  blockMs?: number;
  /** Pending entries idle this long (a crashed worker's) are claimed. */
  claimIdleMs?: number;
}

export function toRow(a: AssignedEvent): RawEventRow {
  const e = a.event;
  const v = a.visit;
  return {
    site_id: e.site,
    ts: new Date(e.ts),
    event_id: Buffer.from(e.id, 'hex'),
    visitor_id: Buffer.from(v.visitor, 'hex'),
    visit_id: v.id,
    name: e.n,
    hostname: e.host,
    pathname: e.path,
    entry_page: v.entry,
    // Source and UTM are the visit's (from its first event), like entry page.
    referrer_source: v.ref,
    utm_source: v.us,
    utm_medium: v.um,
    utm_campaign: v.uc,
    browser: e.b,
    os: e.o,
    device: e.d,
    country: e.c,
    props: e.props ? JSON.stringify(e.props) : null,
  };
}

/**
 * Drains the ingest stream into pageviews_raw: read a batch (consumer group), assign visits,
 * multi-row INSERT IGNORE, then XACK+XDEL. If MySQL is down the batch stays pending and is
 * retried with backoff, so events wait in Redis (not in this process) until it returns.
 */
export class IngestDrainer {
  private stopping = false;
  private loop: Promise<void> | null = null;
  private readonly key: string;
  private readonly consumer = `${hostname()}-${process.pid}`;
  /** Rows handed to MySQL since start. */
  inserted = 0;

  constructor(private readonly o: DrainOptions) {
    this.key = ingestStreamKey(o.redisPrefix);
  }

  private stateKey(k: string) {
    return `${this.o.redisPrefix}:analytics:visit:${k}`;
  }

  async ensureGroup(): Promise<void> {
    try {
      await this.o.redis.xgroup('CREATE', this.key, INGEST_CONSUMER_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    await this.ensureGroup();
    let failures = 0;
    let lastClaim = 0;
    // First our own pending entries (from before a restart with the same name), then new ones.
    let cursor = '0';
    while (!this.stopping) {
      try {
        let entries: StreamEntries = [];
        if (Date.now() - lastClaim > 10_000) {
          lastClaim = Date.now();
          const claimed = (await this.o.redis.xautoclaim(
            this.key,
            INGEST_CONSUMER_GROUP,
            this.consumer,
            this.o.claimIdleMs ?? 60_000,
            '0',
            'COUNT',
            this.o.count ?? 10,
          )) as [string, StreamEntries];
          entries = claimed[1] ?? [];
        }
        if (entries.length === 0) entries = await this.read(cursor);
        if (entries.length === 0) {
          cursor = '>';
          continue;
        }
        await this.process(entries);
        failures = 0;
      } catch (err) {
        failures += 1;
        const wait = Math.min(5_000, 100 * 2 ** Math.min(failures, 6));
        this.o.log.warn({ err: (err as Error).message, retryInMs: wait }, 'ingest drain failed; batch stays pending');
        // Re-read our pending entries first: they are retried before anything newer.
        cursor = '0';
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  /** Drains everything waiting (pending first), without blocking: tests and benchmarks. */
  async drainAll(): Promise<number> {
    await this.ensureGroup();
    let total = 0;
    for (const cursor of ['0', '>']) {
      for (;;) {
        const res = (await this.o.redis.xreadgroup(
          'GROUP', INGEST_CONSUMER_GROUP, this.consumer, 'COUNT', this.o.count ?? 10, 'STREAMS', this.key, cursor,
        )) as [string, StreamEntries][] | null;
        const entries = res?.[0]?.[1] ?? [];
        if (entries.length === 0) break;
        total += await this.process(entries);
      }
    }
    return total;
  }

  private async read(cursor: string): Promise<StreamEntries> {
    const res = (await this.o.blocking.xreadgroup(
      'GROUP',
      INGEST_CONSUMER_GROUP,
      this.consumer,
      'COUNT',
      this.o.count ?? 10,
      'BLOCK',
      this.o.blockMs ?? 1_000,
      'STREAMS',
      this.key,
      cursor,
    )) as [string, StreamEntries][] | null;
    return res?.[0]?.[1] ?? [];
  }

  /** One batch: exported for tests that drive the drainer step by step. */
  async process(entries: StreamEntries): Promise<number> {
    const events: IngestEvent[] = [];
    for (const [, fields] of entries) {
      if (!fields) continue; // deleted while pending
      const i = fields.indexOf('b');
      if (i >= 0) events.push(...(JSON.parse(fields[i + 1]!) as IngestEvent[]));
    }
    if (events.length > 0) {
      const keys = new Set<string>();
      for (const e of events) {
        keys.add(`${e.site}:${e.v}`);
        if (e.pv) keys.add(`${e.site}:${e.pv}`);
      }
      const keyList = [...keys];
      const raw = await this.o.redis.mget(...keyList.map((k) => this.stateKey(k)));
      const states = new Map<string, VisitState>();
      keyList.forEach((k, i) => {
        if (raw[i]) states.set(k, JSON.parse(raw[i]!) as VisitState);
      });
      const { assigned, changed } = assignVisits(events, states);
      const pipe = this.o.redis.pipeline();
      for (const k of changed) pipe.set(this.stateKey(k), JSON.stringify(states.get(k)), 'PX', VISIT_TIMEOUT_MS + 5 * 60_000);
      await pipe.exec();
      await insertRawRows(this.o.db, assigned.map(toRow));
      this.inserted += assigned.length;
    }
    const ids = entries.map(([id]) => id);
    await this.o.redis.multi().xack(this.key, INGEST_CONSUMER_GROUP, ...ids).xdel(this.key, ...ids).exec();
    return events.length;
  }
}
