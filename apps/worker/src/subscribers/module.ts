import {
  DELIVERY_ATTEMPTS,
  DELIVERY_BACKOFF_MS,
  enqueueSubscriberDeliveries,
  enqueueSubscriberFanouts,
  handle,
  PermanentJobError,
  QUEUES,
  RetryLater,
  scheduleSubscriberSweep,
  startWorker,
  SUBSCRIBER_FANOUT_BATCH,
  subscriberDeliverJob,
  subscriberEventJob,
  subscriberFanoutJob,
  subscriberSweepJob,
  type DeliveryPolicy,
} from '@sentrypulse/jobs';
import type { WorkerContext } from '../context';
import { producerFor, runtimeFor } from '../jobs';
import { counter, watchWorker } from '../metrics';
import type { RunningModule, WorkerModule } from '../module';
import { DeliveryRetry, deliveryBackoff, MISSING_ROW_TRIES } from '../notify/module';
import { deliverOne, failDelivery, fanOutBatch, strayDeliveries } from './dispatcher';
import { maintenanceNotices, noticesForEvent } from './notices';
import { materialiseRecurrences } from './recurrence';
import { createSenders } from './senders';
import { checkDomains, txtResolver } from './domains';
import { escHtml } from './messages';

export interface SubscribersOptions {
  /** Deliveries in flight per worker process. */
  concurrency?: number;
  /** Subscribers per fan-out batch job. */
  batchSize?: number;
  /** Pooled SMTP connections per worker process. */
  smtpPool?: number;
  policy?: DeliveryPolicy;
  /** The maintenance/stray sweep period; 0 = no scheduler (tests call the sweep themselves). */
  sweepEveryMs?: number;
  timeoutMs?: number;
  /** DNS servers for custom-domain TXT checks (tests: a local server); default DNS_SERVERS. */
  dnsServers?: string[];
  /** BullMQ lock and stalled-check timings; the crash test shortens them. */
  lockDuration?: number;
  stalledInterval?: number;
}

const noticesTotal = counter({ name: 'sentrypulse_subscriber_messages_total', help: 'Subscriber message attempts by outcome', labelNames: ['outcome'] as const });

/** The confirmation link's life, as the API sets it (48 h), for the email's words. */
const CONFIRM_TTL_HOURS = 48;

/**
 * Status-page subscribers in the worker (ADR 0132): incident events → notices per page →
 * batched fan-out → one delivery job per (notice, subscriber), retried with the alerts' backoff,
 * dead letters in failed_jobs; a sweep makes maintenance notices and re-queues stray rows.
 */
export function subscribersModule(opts: SubscribersOptions = {}): WorkerModule {
  return {
    name: 'subscribers',
    async start(ctx: WorkerContext): Promise<RunningModule> {
      const policy = opts.policy ?? { attempts: DELIVERY_ATTEMPTS, backoffMs: DELIVERY_BACKOFF_MS };
      const batchSize = opts.batchSize ?? SUBSCRIBER_FANOUT_BATCH;
      const jobs = producerFor(ctx);
      const senders = createSenders({
        smtpUrl: ctx.config.smtpUrl,
        mailFrom: ctx.config.mailFrom,
        allowPrivate: ctx.config.outboundAllowPrivate,
        timeoutMs: opts.timeoutMs ?? 15_000,
        smtpPool: opts.smtpPool ?? 5,
      });
      const deps = { db: ctx.db, senders, encryptionKey: ctx.config.encryptionKey, publicUrl: ctx.config.publicUrl, confirmTtlHours: CONFIRM_TTL_HOURS };

      const resolveTxt = txtResolver(opts.dnsServers ?? ctx.config.dnsServers);
      const tellOwner = async (to: string, domain: string, pageTitle: string) => {
        const text = `SentryPulse could no longer find the TXT record _sentrypulse.${domain} that verifies the custom domain of your status page "${pageTitle}". Until it is back, ${domain} does not serve the page. Add the record again (the value is in the status page settings); it is checked daily.`;
        const html = `<p>${escHtml(text)}</p>`;
        const links = { pageUrl: ctx.config.publicUrl, manageUrl: ctx.config.publicUrl, unsubscribeUrl: ctx.config.publicUrl };
        await senders.email(to, { subject: `Custom domain ${domain} is no longer verified`, text, html }, links, `domain-lost-${domain}`);
      };
      const sweep = async (now = new Date()) => {
        await checkDomains({ db: ctx.db, encryptionKey: ctx.config.encryptionKey, resolveTxt, tellOwner }, now).catch((err: Error) => ctx.log.warn({ err: err.message }, 'custom domain checks failed'));
        await materialiseRecurrences(ctx.db, now);
        const notices = await maintenanceNotices(ctx.db, now);
        await enqueueSubscriberFanouts(jobs, notices.map((id) => ({ noticeId: id, afterId: 0 })));
        const stray = await strayDeliveries(ctx.db, new Date(now.getTime() - 60_000));
        await enqueueSubscriberDeliveries(jobs, stray, policy);
        return { notices: notices.length, stray: stray.length };
      };

      const worker = startWorker(
        runtimeFor(ctx),
        QUEUES.subscribers,
        [
          handle(subscriberEventJob, async (payload) => {
            const ids = await noticesForEvent(ctx.db, payload.event_id);
            await enqueueSubscriberFanouts(jobs, ids.map((id) => ({ noticeId: id, afterId: 0 })));
            return { notices: ids.length };
          }),
          handle(subscriberFanoutJob, async (payload) => {
            const r = await fanOutBatch(ctx.db, payload.notice_id, payload.after_id, batchSize);
            await enqueueSubscriberDeliveries(jobs, r.pendingIds, policy);
            if (r.nextAfter) await enqueueSubscriberFanouts(jobs, [{ noticeId: payload.notice_id, afterId: r.nextAfter }]);
            return { pending: r.pendingIds.length, next: r.nextAfter };
          }),
          handle(
            subscriberDeliverJob,
            async (payload, job) => {
              const r = await deliverOne(deps, payload.delivery_id, job.isLastAttempt);
              if (r.kind === 'missing') {
                if (job.attemptsStarted >= MISSING_ROW_TRIES) throw new PermanentJobError(`subscriber_deliveries row ${payload.delivery_id} does not exist`);
                throw new RetryLater('the subscriber_deliveries row is not visible yet', 250 * 2 ** (job.attemptsStarted - 1));
              }
              if (r.kind !== 'failed') {
                noticesTotal.inc({ outcome: r.kind });
                return r.kind;
              }
              noticesTotal.inc({ outcome: r.retryable ? 'retry' : 'failed' });
              if (r.retryable) throw new DeliveryRetry(r.error, r.retryAfterMs);
              throw new PermanentJobError(r.error);
            },
            {
              onFinalFailure: async (payload, _job, err) => {
                await failDelivery(ctx.db, payload.delivery_id, err.message);
                const row = await ctx.db.selectFrom('subscriber_deliveries').select('team_id').where('id', '=', payload.delivery_id).executeTakeFirst();
                return { teamId: row?.team_id ?? null };
              },
            },
          ),
          handle(subscriberSweepJob, async () => sweep()),
        ],
        {
          concurrency: opts.concurrency ?? 50,
          maxStalledCount: 3,
          deadLetters: true,
          backoff: (attemptsMade, err, base) => deliveryBackoff(attemptsMade, err, base || DELIVERY_BACKOFF_MS),
          ...(opts.lockDuration !== undefined ? { lockDuration: opts.lockDuration } : {}),
          ...(opts.stalledInterval !== undefined ? { stalledInterval: opts.stalledInterval } : {}),
        },
      );
      watchWorker(worker);
      const every = opts.sweepEveryMs ?? 30_000;
      if (every > 0) await scheduleSubscriberSweep(jobs, every);

      return {
        async close() {
          await worker.close();
          await Promise.allSettled([jobs.close(), senders.close()]);
        },
      };
    },
  };
}

export type { SubscriberSenders } from './senders';
