import {
  ALERTS_QUEUE,
  DELIVERY_ATTEMPTS,
  DELIVERY_BACKOFF_FACTOR,
  DELIVERY_BACKOFF_MS,
  enqueueDeliveries,
  NOTIFY_QUEUE,
  recordFailedJob,
  type DeliveryJobData,
  type DeliveryPolicy,
} from '@sentrypulse/db';
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { WorkerContext } from '../context';
import { counter, watchWorker } from '../metrics';
import type { RunningModule, WorkerModule } from '../module';
import { deliver, failAlert, fanOut } from './dispatcher';
import { createProviders } from './providers';

export interface NotifyOptions {
  /** Deliveries in flight per worker process (they wait on the network). */
  concurrency?: number;
  /** Attempts and backoff base of the delivery jobs this worker enqueues (tests shorten them). */
  policy?: DeliveryPolicy;
  /** BullMQ lock and stalled-check timings; tests shorten them to see SIGKILL recovery quickly. */
  lockDuration?: number;
  stalledInterval?: number;
  /** HTTP providers' whole-request budget (SPEC 8: 15 s). */
  timeoutMs?: number;
}

/** Thrown for a retryable failure so the backoff strategy can honour the provider's Retry-After. */
export class DeliveryRetry extends Error {
  override name = 'DeliveryRetry';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Exponential backoff with ±10 % jitter, or exactly what the provider asked for. */
export function deliveryBackoff(attemptsMade: number, err: Error | undefined, baseMs: number): number {
  const retryAfter = err instanceof DeliveryRetry ? err.retryAfterMs : undefined;
  if (retryAfter !== undefined) return retryAfter;
  const delay = baseMs * DELIVERY_BACKOFF_FACTOR ** Math.max(0, attemptsMade - 1);
  return Math.round(delay * (0.9 + Math.random() * 0.2));
}

const FANOUT_TRIES = 8;

const alertsTotal = counter({ name: 'sentrypulse_alerts_total', help: 'Alert delivery attempts by outcome', labelNames: ['outcome'] as const });

function isFinal(job: Job, err: Error): boolean {
  return err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
}

/**
 * Alert dispatch in the worker (SPEC 4.4, ADR 0021): 'incident-event' jobs on the 'notify' queue fan
 * out into alerts_sent rows and one 'deliver' job per row on the 'alerts' queue; deliveries retry
 * with backoff and end as a dead letter in failed_jobs.
 */
export function notifyModule(opts: NotifyOptions = {}): WorkerModule {
  return {
    name: 'notify',
    async start(ctx: WorkerContext): Promise<RunningModule> {
      const policy = opts.policy ?? { attempts: DELIVERY_ATTEMPTS, backoffMs: DELIVERY_BACKOFF_MS };
      const alerts = new Queue(ALERTS_QUEUE, { connection: ctx.bullConnection(), prefix: ctx.bullPrefix });
      const providers = createProviders({
        smtpUrl: ctx.config.smtpUrl,
        mailFrom: ctx.config.mailFrom,
        telegramApiBase: ctx.config.telegramApiBase,
        whatsappApiBase: ctx.config.whatsappApiBase,
        allowPrivate: ctx.config.outboundAllowPrivate,
        timeoutMs: opts.timeoutMs ?? 15_000,
      });
      const deps = { db: ctx.db, providers, encryptionKey: ctx.config.encryptionKey, publicUrl: ctx.config.publicUrl };
      const timings = {
        ...(opts.lockDuration !== undefined ? { lockDuration: opts.lockDuration } : {}),
        ...(opts.stalledInterval !== undefined ? { stalledInterval: opts.stalledInterval } : {}),
      };

      const deadLetter = async (queue: string, job: Job, teamId: number | null, error: string) => {
        await recordFailedJob(ctx.db, { queue, job_id: String(job.id), name: job.name, team_id: teamId, data: job.data as Record<string, unknown>, error, attempts: job.attemptsStarted });
      };

      // The monitoring engine adds these jobs without retry options, so a failed fan-out (MySQL
      // blip) is retried here by moving the job back to delayed a few times before giving up.
      const fanout = new Worker<{ event_id: number }>(
        NOTIFY_QUEUE,
        async (job, token) => {
          if (job.name !== 'incident-event') return null;
          try {
            const r = await fanOut(ctx.db, Number(job.data.event_id));
            await enqueueDeliveries(alerts, r.pendingIds, policy);
            return { pending: r.pendingIds.length, suppressed: r.suppressed };
          } catch (err) {
            if (job.attemptsStarted < FANOUT_TRIES) {
              ctx.log.warn({ jobId: job.id, err: (err as Error).message }, 'alert fan-out failed; retrying');
              await job.moveToDelayed(Date.now() + Math.min(60_000, 1000 * 2 ** job.attemptsStarted), token);
              throw new DelayedError();
            }
            await deadLetter(NOTIFY_QUEUE, job, null, (err as Error).message);
            throw err;
          }
        },
        { connection: ctx.bullConnection(), prefix: ctx.bullPrefix, concurrency: 20, maxStalledCount: 5, ...timings },
      );
      fanout.on('error', (err) => ctx.log.warn({ err: err.message }, 'notify worker error'));
      watchWorker(fanout, NOTIFY_QUEUE);

      const delivery = new Worker<DeliveryJobData>(
        ALERTS_QUEUE,
        async (job) => {
          const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
          const r = await deliver(deps, job.data.alert_id, last);
          if (r.kind !== 'failed') {
            if (r.kind === 'delivered') alertsTotal.inc({ outcome: 'delivered' });
            return r.kind;
          }
          alertsTotal.inc({ outcome: r.retryable ? 'retry' : 'failed' });
          if (r.retryable) throw new DeliveryRetry(r.error, r.retryAfterMs);
          throw new UnrecoverableError(r.error);
        },
        {
          connection: ctx.bullConnection(),
          prefix: ctx.bullPrefix,
          concurrency: opts.concurrency ?? 50,
          // A worker killed mid-send leaves its job stalled; another worker takes it over. Allow a few.
          maxStalledCount: 3,
          settings: {
            backoffStrategy: (attemptsMade, _type, err, job) => {
              const backoff = job?.opts.backoff;
              const base = typeof backoff === 'object' && backoff?.delay !== undefined ? backoff.delay : DELIVERY_BACKOFF_MS;
              return deliveryBackoff(attemptsMade, err, base);
            },
          },
          ...timings,
        },
      );
      delivery.on('error', (err) => ctx.log.warn({ err: err.message }, 'alerts worker error'));
      watchWorker(delivery, ALERTS_QUEUE);
      // Final failures (attempts used up, permanent, or stalled too often) become dead letters.
      delivery.on('failed', (job, err) => {
        if (!job || !isFinal(job, err)) return;
        ctx.log.warn({ jobId: job.id, err: err.message }, 'alert delivery failed for good');
        void (async () => {
          const alertId = job.data.alert_id;
          await failAlert(ctx.db, alertId, err.message);
          const row = await ctx.db.selectFrom('alerts_sent').select('team_id').where('id', '=', alertId).executeTakeFirst();
          await deadLetter(ALERTS_QUEUE, job, row?.team_id ?? null, err.message);
        })().catch((e: Error) => ctx.log.error({ jobId: job.id, err: e.message }, 'could not record a dead letter'));
      });

      return {
        async close() {
          await fanout.close();
          await delivery.close();
          await Promise.allSettled([alerts.close(), ...Object.values(providers).map((p) => p.close?.())]);
        },
      };
    },
  };
}

