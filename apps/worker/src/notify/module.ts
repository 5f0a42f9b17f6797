import {
  deliverJob,
  DELIVERY_ATTEMPTS,
  DELIVERY_BACKOFF_FACTOR,
  DELIVERY_BACKOFF_MS,
  enqueue,
  enqueueDeliveries,
  escalationStepJob,
  enqueueSubscriberEvent,
  handle,
  incidentEventJob,
  reminderJob,
  type JobProducer,
  PermanentJobError,
  QUEUES,
  RetryLater,
  startWorker,
  type DeliveryPolicy,
} from '@sentrypulse/jobs';
import type { WorkerContext } from '../context';
import { producerFor, runtimeFor } from '../jobs';
import { counter, watchWorker } from '../metrics';
import type { RunningModule, WorkerModule } from '../module';
import { deliver, failAlert, fanOut, type ScheduledEscalation } from './dispatcher';
import { resumableEscalations, runEscalationStep, runReminder } from './escalation';
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

/** Adds the delayed escalation jobs (deterministic ids: a replay adds nothing). */
export async function scheduleEscalations(jobs: JobProducer, items: ScheduledEscalation[]): Promise<void> {
  for (const s of items) {
    if (s.kind === 'step') await enqueue(jobs, escalationStepJob, { incident_id: s.incident_id, round: s.round, step: s.step }, { delay: s.delayMs });
    else await enqueue(jobs, reminderJob, { incident_id: s.incident_id, n: s.n }, { delay: s.delayMs });
  }
}

const FANOUT_TRIES = 8;
/**
 * Starts of a delivery whose alerts_sent row is not there (250 ms, 0.5, 1, 2 s apart: ~4 s in
 * all): a producer that enqueued before its commit is seen late, not dropped; a row that never
 * comes (deleted with its team) ends as a dead letter saying so.
 */
export const MISSING_ROW_TRIES = 5;

const alertsTotal = counter({ name: 'sentrypulse_alerts_total', help: 'Alert delivery attempts by outcome', labelNames: ['outcome'] as const });

/**
 * Alert dispatch in the worker (SPEC 4.4, ADR 0021): incident-event jobs on the notify queue fan
 * out into alerts_sent rows and one deliver job per row on the alerts queue; deliveries retry
 * with backoff and end as a dead letter in failed_jobs.
 */
export function notifyModule(opts: NotifyOptions = {}): WorkerModule {
  return {
    name: 'notify',
    async start(ctx: WorkerContext): Promise<RunningModule> {
      const policy = opts.policy ?? { attempts: DELIVERY_ATTEMPTS, backoffMs: DELIVERY_BACKOFF_MS };
      const jobs = producerFor(ctx);
      const providers = createProviders({
        smtpUrl: ctx.config.smtpUrl,
        mailFrom: ctx.config.mailFrom,
        telegramApiBase: ctx.config.telegramApiBase,
        whatsappApiBase: ctx.config.whatsappApiBase,
        pagerdutyApiBase: ctx.config.pagerdutyApiBase,
        opsgenieApiBase: ctx.config.opsgenieApiBase,
        pushoverApiBase: ctx.config.pushoverApiBase,
        twilioApiBase: ctx.config.twilioApiBase,
        allowPrivate: ctx.config.outboundAllowPrivate,
        timeoutMs: opts.timeoutMs ?? 15_000,
      });
      const deps = { db: ctx.db, providers, encryptionKey: ctx.config.encryptionKey, publicUrl: ctx.config.publicUrl };
      const timings = {
        ...(opts.lockDuration !== undefined ? { lockDuration: opts.lockDuration } : {}),
        ...(opts.stalledInterval !== undefined ? { stalledInterval: opts.stalledInterval } : {}),
      };

      // Producers add these jobs without retry options, so a failed fan-out (MySQL blip) is
      // retried here by moving the job back to delayed a few times before giving up.
      const fanout = startWorker(
        runtimeFor(ctx),
        QUEUES.notify,
        [
          handle(incidentEventJob, async (payload, job) => {
            try {
              const r = await fanOut(ctx.db, payload.event_id);
              await enqueueDeliveries(jobs, r.pendingIds, policy);
              await scheduleEscalations(jobs, r.schedule);
              // Status-page subscribers hear of the same event through their own queue (ADR 0132).
              await enqueueSubscriberEvent(jobs, payload.event_id);
              return { pending: r.pendingIds.length, suppressed: r.suppressed, scheduled: r.schedule.length };
            } catch (err) {
              if (job.attemptsStarted >= FANOUT_TRIES) throw err;
              ctx.log.warn({ jobId: job.id, err: (err as Error).message }, 'alert fan-out failed; retrying');
              throw new RetryLater((err as Error).message, Math.min(60_000, 1000 * 2 ** job.attemptsStarted));
            }
          }),
        ],
        { concurrency: 20, maxStalledCount: 5, deadLetters: true, ...timings },
      );
      watchWorker(fanout);

      const delivery = startWorker(
        runtimeFor(ctx),
        QUEUES.alerts,
        [
          handle(
            deliverJob,
            async (payload, job) => {
              const r = await deliver(deps, payload.alert_id, job.isLastAttempt);
              if (r.kind === 'missing') {
                if (job.attemptsStarted >= MISSING_ROW_TRIES) throw new PermanentJobError(`alerts_sent row ${payload.alert_id} does not exist (never committed, or deleted with its team)`);
                throw new RetryLater('the alerts_sent row is not visible yet', 250 * 2 ** (job.attemptsStarted - 1));
              }
              if (r.kind !== 'failed') {
                if (r.kind === 'delivered') alertsTotal.inc({ outcome: 'delivered' });
                return r.kind;
              }
              alertsTotal.inc({ outcome: r.retryable ? 'retry' : 'failed' });
              if (r.retryable) throw new DeliveryRetry(r.error, r.retryAfterMs);
              throw new PermanentJobError(r.error);
            },
            {
              // Final failures (attempts used up, permanent, or stalled too often) become dead letters.
              onFinalFailure: async (payload, _job, err) => {
                await failAlert(ctx.db, payload.alert_id, err.message);
                const row = await ctx.db.selectFrom('alerts_sent').select('team_id').where('id', '=', payload.alert_id).executeTakeFirst();
                return { teamId: row?.team_id ?? null };
              },
            },
          ),
        ],
        {
          concurrency: opts.concurrency ?? 50,
          // A worker killed mid-send leaves its job stalled; another worker takes it over. Allow a few.
          maxStalledCount: 3,
          deadLetters: true,
          backoff: (attemptsMade, err, base) => deliveryBackoff(attemptsMade, err, base || DELIVERY_BACKOFF_MS),
          ...timings,
        },
      );
      watchWorker(delivery);

      // Escalation steps and reminders (ADR 0123): delayed jobs; each run re-checks the incident.
      const escalation = startWorker(
        runtimeFor(ctx),
        QUEUES.escalation,
        [
          handle(escalationStepJob, async (payload) => {
            const r = await runEscalationStep(ctx.db, payload);
            await enqueueDeliveries(jobs, r.pendingIds, policy);
            await scheduleEscalations(jobs, r.schedule);
            return { pending: r.pendingIds.length, skipped: r.skipped ?? null };
          }),
          handle(reminderJob, async (payload) => {
            const r = await runReminder(ctx.db, payload);
            await enqueueDeliveries(jobs, r.pendingIds, policy);
            await scheduleEscalations(jobs, r.schedule);
            return { pending: r.pendingIds.length, skipped: r.skipped ?? null };
          }),
        ],
        { concurrency: 20, maxStalledCount: 5, deadLetters: true, ...timings },
      );
      watchWorker(escalation);
      // Start-up reconciliation: running escalations get their next step and reminder back if
      // Redis lost them (deterministic ids: otherwise nothing is added). Best effort.
      try {
        await scheduleEscalations(jobs, await resumableEscalations(ctx.db));
      } catch (err) {
        ctx.log.warn({ err: (err as Error).message }, 'escalation reconciliation failed; running escalations keep their Redis timers');
      }

      return {
        async close() {
          await fanout.close();
          await delivery.close();
          await escalation.close();
          await Promise.allSettled([jobs.close(), ...Object.values(providers).map((p) => p.close?.())]);
        },
      };
    },
  };
}
