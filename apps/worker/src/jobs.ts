import { JobProducer, type WorkerRuntime } from '@sentrypulse/jobs';
import type { WorkerContext } from './context';

/** A producer for a worker module's own enqueues and schedulers (closed by the module). */
export function producerFor(ctx: WorkerContext): JobProducer {
  return new JobProducer({ connection: ctx.bullConnection(), prefix: ctx.bullPrefix, db: ctx.db, onError: (err) => ctx.log.warn({ err: err.message }, 'job queue error') });
}

/** What startWorker needs: a worker connection, the prefix, the dead-letter table, a logger. */
export function runtimeFor(ctx: WorkerContext): WorkerRuntime {
  return { connection: ctx.bullConnection(), prefix: ctx.bullPrefix, db: ctx.db, log: ctx.log };
}
