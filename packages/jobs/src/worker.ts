import { recordFailedJob, type Db } from '@sentrypulse/db';
import { DelayedError, UnrecoverableError, Worker, type Job, type MinimalJob } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobDefinition, PayloadOf } from './definition';
import type { QueueName } from './definitions';
import { payloadProblem } from './producer';

/** What a handler may know about its job, without BullMQ types. */
export interface JobInfo {
  id: string;
  name: string;
  queue: string;
  /** Attempts that ended in a (retryable) failure so far. */
  attemptsMade: number;
  /** Times the job was started, this run included (RetryLater and stalls count here too). */
  attemptsStarted: number;
  maxAttempts: number;
  /** No BullMQ retry follows if this run fails. */
  isLastAttempt: boolean;
  timestamp: number;
  delay: number;
}

export type JobHandler<D extends JobDefinition, R = unknown> = (payload: PayloadOf<D>, job: JobInfo) => Promise<R>;

/** Try again after `delayMs` without using an attempt (the handler bounds the tries itself). */
export class RetryLater extends Error {
  override name = 'RetryLater';
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

/** A failure that no retry can fix: the job fails at once (and becomes a dead letter if kept). */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

export interface Registration {
  definition: JobDefinition;
  handler: (payload: unknown, job: JobInfo) => Promise<unknown>;
  /** Called once when the job fails for good; answers the team the dead letter belongs to. */
  onFinalFailure?: (payload: unknown, job: JobInfo, err: Error) => Promise<{ teamId: number | null } | void>;
}

/** Binds a pure handler to its definition; the payload arrives parsed by the definition's schema. */
export function handle<D extends JobDefinition>(
  definition: D,
  handler: JobHandler<D>,
  hooks: { onFinalFailure?: (payload: PayloadOf<D>, job: JobInfo, err: Error) => Promise<{ teamId: number | null } | void> } = {},
): Registration {
  return {
    definition,
    handler: handler as Registration['handler'],
    ...(hooks.onFinalFailure ? { onFinalFailure: hooks.onFinalFailure as Registration['onFinalFailure'] } : {}),
  };
}

export interface WorkerRuntime {
  /** A BullMQ worker connection (maxRetriesPerRequest: null). */
  connection: Redis;
  prefix: string;
  /** Where dead letters go (failed_jobs). */
  db: Db;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export interface StartWorkerOptions {
  concurrency?: number;
  maxStalledCount?: number;
  lockDuration?: number;
  stalledInterval?: number;
  removeOnComplete?: number;
  removeOnFail?: number;
  /** The delay before BullMQ's next attempt, for definitions with backoff type 'alert'. */
  backoff?: (attemptsMade: number, err: Error | undefined, baseDelayMs: number) => number;
  /**
   * Record every final failure in failed_jobs (deliveries, fan-outs). Payloads that fail their
   * schema and jobs without a handler are dead letters whatever this says.
   */
  deadLetters?: boolean;
}

export interface RunningWorker {
  queue: QueueName;
  /** Every failed attempt (for metrics and logs). */
  onFailed(listener: (job: JobInfo | undefined, err: Error) => void): void;
  close(): Promise<void>;
}

function infoOf(job: Job): JobInfo {
  const maxAttempts = job.opts.attempts ?? 1;
  return {
    id: String(job.id),
    name: job.name,
    queue: job.queueName,
    attemptsMade: job.attemptsMade,
    attemptsStarted: job.attemptsStarted,
    maxAttempts,
    isLastAttempt: job.attemptsMade + 1 >= maxAttempts,
    timestamp: job.timestamp,
    delay: job.delay ?? 0,
  };
}

function isFinal(job: Job, err: Error): boolean {
  return err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
}

/** Job data as stored in failed_jobs (producers put ids only, never secrets, in payloads). */
function deadLetterData(data: unknown): Record<string, unknown> {
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : { value: data ?? null };
}

/**
 * Runs one queue's handlers in a BullMQ worker. Before a handler runs, the job's payload is parsed
 * with its definition's schema: a payload that fails (or a job name without a handler) fails at
 * once with the reason, is never retried, and is recorded in failed_jobs, so a bad producer shows
 * as dead letters instead of a crash loop. Handlers throw RetryLater to come back later without
 * spending an attempt, PermanentJobError to fail for good, anything else to use BullMQ's retries.
 */
export function startWorker(runtime: WorkerRuntime, queue: QueueName, registrations: Registration[], opts: StartWorkerOptions = {}): RunningWorker {
  const byName = new Map<string, Registration>();
  for (const r of registrations) {
    if (r.definition.queue !== queue) throw new Error(`job ${r.definition.name} belongs to queue ${r.definition.queue}, not ${queue}`);
    if (byName.has(r.definition.name)) throw new Error(`two handlers for ${queue}/${r.definition.name}`);
    byName.set(r.definition.name, r);
  }
  /** Why a job cannot run at all (no handler, bad payload), or its parsed payload. */
  const admit = (job: Job): { reg: Registration; payload: unknown } | { reason: string } => {
    const reg = byName.get(job.name);
    if (!reg) return { reason: `no handler for job ${queue}/${job.name}` };
    const checked = payloadProblem(reg.definition, job.data);
    return checked.ok ? { reg, payload: checked.payload } : { reason: checked.reason };
  };

  const worker = new Worker(
    queue,
    async (job, token) => {
      const admitted = admit(job);
      if ('reason' in admitted) throw new UnrecoverableError(admitted.reason);
      try {
        return await admitted.reg.handler(admitted.payload, infoOf(job));
      } catch (err) {
        if (err instanceof RetryLater) {
          await job.moveToDelayed(Date.now() + err.delayMs, token);
          throw new DelayedError();
        }
        if (err instanceof PermanentJobError) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
    {
      connection: runtime.connection,
      prefix: runtime.prefix,
      concurrency: opts.concurrency ?? 1,
      ...(opts.maxStalledCount !== undefined ? { maxStalledCount: opts.maxStalledCount } : {}),
      ...(opts.lockDuration !== undefined ? { lockDuration: opts.lockDuration } : {}),
      ...(opts.stalledInterval !== undefined ? { stalledInterval: opts.stalledInterval } : {}),
      ...(opts.removeOnComplete !== undefined ? { removeOnComplete: { count: opts.removeOnComplete } } : {}),
      ...(opts.removeOnFail !== undefined ? { removeOnFail: { count: opts.removeOnFail } } : {}),
      ...(opts.backoff
        ? {
            settings: {
              backoffStrategy: (attemptsMade: number, _type?: string, err?: Error, job?: MinimalJob) => {
                const backoff = job?.opts.backoff;
                const base = typeof backoff === 'object' && backoff?.delay !== undefined ? backoff.delay : 0;
                return opts.backoff!(attemptsMade, err, base);
              },
            },
          }
        : {}),
    },
  );

  const deadLetter = async (job: Job, err: Error) => {
    const admitted = admit(job);
    let teamId: number | null = null;
    if ('reason' in admitted) {
      // Always kept: nothing else would show that a producer sends what no handler can take.
    } else if (opts.deadLetters) {
      const r = await admitted.reg.onFinalFailure?.(admitted.payload, infoOf(job), err);
      teamId = r?.teamId ?? null;
    } else {
      return;
    }
    await recordFailedJob(runtime.db, { queue, job_id: String(job.id), name: job.name, team_id: teamId, data: deadLetterData(job.data), error: err.message, attempts: job.attemptsStarted });
  };

  const listeners: Array<(job: JobInfo | undefined, err: Error) => void> = [];
  worker.on('failed', (job, err) => {
    for (const l of listeners) l(job ? infoOf(job) : undefined, err);
    if (!job || !isFinal(job, err)) return;
    runtime.log.warn({ queue, job: job.name, jobId: job.id, err: err.message }, 'job failed for good');
    void deadLetter(job, err).catch((e: Error) => runtime.log.error({ queue, jobId: job.id, err: e.message }, 'could not record a dead letter'));
  });
  worker.on('error', (err) => runtime.log.warn({ queue, err: err.message }, 'worker error'));

  return {
    queue,
    onFailed: (listener) => void listeners.push(listener),
    close: () => worker.close(),
  };
}
