import type { IngestEvent } from '@sentrypulse/shared';
import type { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';

export interface IngestBufferOptions {
  streamKey: string;
  /** Flush when this many events wait (one stream entry per flush). */
  batchSize?: number;
  /** ...or after this many ms. */
  intervalMs?: number;
  /** Above this many waiting events (Redis away) collect answers 503 instead of growing. */
  maxBuffered?: number;
}

/**
 * The collect handler only appends to this in-process array; batches go to a Redis stream (one
 * XADD per batch), which the worker drains into MySQL. Redis, not this process, is where an
 * accepted event waits for MySQL, so it survives an API restart and a database outage. On close
 * the buffer is flushed (Fastify onClose), retrying for a while if Redis hiccups.
 */
export class IngestBuffer {
  private events: IngestEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private failures = 0;
  private closed = false;
  readonly batchSize: number;
  readonly intervalMs: number;
  readonly maxBuffered: number;
  /** Events handed to Redis since start (metrics, tests). */
  written = 0;

  constructor(
    private readonly redis: Redis,
    private readonly log: FastifyBaseLogger,
    private readonly opts: IngestBufferOptions,
  ) {
    this.batchSize = opts.batchSize ?? 500;
    this.intervalMs = opts.intervalMs ?? 50;
    this.maxBuffered = opts.maxBuffered ?? 200_000;
  }

  get size(): number {
    return this.events.length;
  }

  get full(): boolean {
    return this.events.length >= this.maxBuffered;
  }

  push(event: IngestEvent): void {
    this.events.push(event);
    if (this.events.length >= this.batchSize && !this.flushing) void this.flush();
    else if (!this.timer && !this.closed) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, this.intervalMs);
      this.timer.unref();
    }
  }

  /** Writes everything buffered; concurrent callers share one flush loop. */
  flush(): Promise<void> {
    if (!this.flushing) {
      this.flushing = this.drain().finally(() => {
        this.flushing = null;
      });
    }
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.events.length > 0) {
      const batch = this.events.splice(0, this.batchSize);
      try {
        await this.redis.xadd(this.opts.streamKey, '*', 'b', JSON.stringify(batch));
        this.written += batch.length;
        this.failures = 0;
      } catch (err) {
        // Put the batch back in front and retry with backoff; nothing accepted is dropped.
        this.events.unshift(...batch);
        this.failures += 1;
        this.log.warn({ err: (err as Error).message, buffered: this.events.length }, 'ingest flush to Redis failed; retrying');
        if (!this.closed && !this.timer) {
          this.timer = setTimeout(() => {
            this.timer = null;
            void this.flush();
          }, Math.min(5_000, 100 * 2 ** Math.min(this.failures, 6)));
          this.timer.unref();
        }
        return;
      }
    }
  }

  /** Graceful shutdown: flush until empty or `timeoutMs` passes. */
  async close(timeoutMs = 10_000): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const deadline = Date.now() + timeoutMs;
    while (this.events.length > 0 && Date.now() < deadline) {
      await this.flush();
      if (this.events.length > 0) await new Promise((r) => setTimeout(r, 200));
    }
    if (this.flushing) await this.flushing;
    if (this.events.length > 0) this.log.error({ lost: this.events.length }, 'ingest buffer could not be flushed before shutdown');
  }
}
