/**
 * @sentrypulse/jobs — the one home for background work (SPEC 9, ADR 0100). Every queue, job,
 * payload schema, job id rule, default options and scheduler is defined here; the api, the worker,
 * the CLI, the benchmarks and the tests produce through it, and worker modules register pure
 * handlers against the same definitions. Nothing outside this package imports BullMQ for jobs or
 * types a queue or job name (no-queue-literals.test.ts).
 *
 * queue                    job             payload (zod)                              job id (+ `@<installation>`)     schedulers
 * checks                   check           { monitor_id: int>0, manual?: boolean }    scheduler: repeat:monitor-<id>:… monitor-<id> every interval_seconds
 *                                                                                     check-now: now-<id>-<unix s>     (heartbeat: ≤ 60 s), offset by id
 * notify                   incident-event  { event_id: int>0 }                        incident-event-<event id>        —
 * alerts                   deliver         { alert_id: decimal string }               alert-<alerts_sent id>           —
 * analytics                aggregate       {}                                         (scheduler)                      analytics-aggregate-daily 01:00 UTC
 * analytics                retention       {}                                         (scheduler)                      analytics-retention 01:30 UTC
 * monitoring-housekeeping  reconcile       {}                                         reconcile-<unix minute>          — (added at start-up)
 * monitoring-housekeeping  uptime          {}                                         (scheduler)                      uptime every 60 s
 * monitoring-housekeeping  rollup          {}                                         (scheduler)                      rollup every 10 min
 * monitoring-housekeeping  retention       {}                                         (scheduler)                      retention every 60 min
 * monitoring-housekeeping  outbox          {}                                         (scheduler)                      outbox every 30 s
 * escalation               step            { incident_id, round 0..5, step 0..9 }     escalation-<inc>-r<round>-s<step> — (delayed, ADR 0123)
 * escalation               reminder        { incident_id, n ≥ 1 }                     reminder-<inc>-<n>               — (delayed)
 * subscribers              subscriber-event   { event_id: int>0 }                     subscriber-event-<event id>      — (queued by the alert fan-out)
 * subscribers              subscriber-fanout  { notice_id, after_id: decimal strings } subscriber-fanout-<notice>-<after> — (500 subscribers a batch)
 * subscribers              subscriber-deliver { delivery_id: decimal string }         subscriber-delivery-<row id>     —
 * subscribers              subscriber-sweep   {}                                      (scheduler)                      subscriber-sweep every 30 s
 *
 * Default options: check attempts 1 (check-now 2), removeOnComplete true, removeOnFail 1000;
 * incident-event removeOnComplete 1000 / removeOnFail 5000 (the fan-out retries itself, 8 tries);
 * deliver attempts 6, backoff 'alert' 30 s ×3 (or Retry-After), 1000 / 5000; analytics attempts 3,
 * exponential 60 s, 100 / 500; housekeeping removeOnComplete true, removeOnFail 50 (reconcile 10).
 * subscriber-event/-fanout attempts 8, exponential 1 s; subscriber-deliver as deliver (6, 'alert' 30 s ×3).
 * The analytics ingest drainer reads a Redis stream, not a queue, so it has no definition here.
 */
export * from './definition';
export * from './definitions';
export * from './producer';
export * from './schedules';
export * from './events';
export * from './worker';
export * from './subscribers';
