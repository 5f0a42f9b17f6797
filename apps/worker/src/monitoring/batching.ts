/**
 * Two small batching helpers that turn one-query-per-check into one query per few milliseconds:
 * a loader (many `load(id)` calls → one SELECT ... WHERE id IN) and a writer (many `submit(x)`
 * calls → one transaction). Callers await their own item; errors reach every caller of the batch.
 */
export class BatchLoader<K, V> {
  private pending = new Map<K, Array<{ resolve: (v: V | undefined) => void; reject: (e: unknown) => void }>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly fetch: (keys: K[]) => Promise<Map<K, V>>,
    private readonly waitMs = 2,
    private readonly maxBatch = 500,
  ) {}

  load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      if (this.pending.size >= this.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.waitMs);
    });
  }

  private flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = new Map();
    if (batch.size === 0) return;
    this.fetch([...batch.keys()]).then(
      (rows) => {
        for (const [k, waiters] of batch) for (const w of waiters) w.resolve(rows.get(k));
      },
      (err) => {
        for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
      },
    );
  }
}

export class BatchWriter<T, R> {
  private buffer: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly write: (items: T[]) => Promise<R>,
    private readonly maxWaitMs = 50,
    private readonly maxBatch = 250,
  ) {}

  submit(item: T): Promise<R> {
    if (this.closed) return Promise.reject(new Error('writer closed'));
    return new Promise((resolve, reject) => {
      this.buffer.push({ item, resolve, reject });
      if (this.buffer.length >= this.maxBatch) this.kick();
      else this.timer ??= setTimeout(() => this.kick(), this.maxWaitMs);
    });
  }

  /** One write in flight at a time; what arrives meanwhile forms the next batch. */
  private kick() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running || this.buffer.length === 0) return;
    const batch = this.buffer.splice(0, this.maxBatch);
    this.running = this.write(batch.map((b) => b.item))
      .then(
        (r) => batch.forEach((b) => b.resolve(r)),
        (err) => batch.forEach((b) => b.reject(err)),
      )
      .finally(() => {
        this.running = null;
        if (this.buffer.length > 0) this.kick();
      });
  }

  /** Writes what is buffered and waits for it. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running || this.buffer.length > 0) {
      this.kick();
      if (this.running) await this.running;
    }
  }
}
