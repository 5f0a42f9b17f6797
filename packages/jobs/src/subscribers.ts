import { DELIVERY_ATTEMPTS, DELIVERY_BACKOFF_MS, QUEUES, subscriberDeliverJob, subscriberEventJob, subscriberFanoutJob, subscriberSweepJob } from './definitions';
import type { DeliveryPolicy } from './events';
import { enqueue, enqueueMany, type JobProducer } from './producer';

/** Typed producers of the subscriber jobs (ADR 0132). */

export function enqueueSubscriberEvent(producer: JobProducer, eventId: number): Promise<string> {
  return enqueue(producer, subscriberEventJob, { event_id: eventId });
}

export function enqueueSubscriberFanouts(producer: JobProducer, batches: Array<{ noticeId: string | number; afterId: string | number }>): Promise<void> {
  return enqueueMany(producer, subscriberFanoutJob, batches.map((b) => ({ notice_id: String(b.noticeId), after_id: String(b.afterId) })));
}

export function enqueueSubscriberDeliveries(
  producer: JobProducer,
  deliveryIds: Array<string | number>,
  policy: DeliveryPolicy = { attempts: DELIVERY_ATTEMPTS, backoffMs: DELIVERY_BACKOFF_MS },
): Promise<void> {
  return enqueueMany(
    producer,
    subscriberDeliverJob,
    deliveryIds.map((id) => ({ delivery_id: String(id) })),
    { attempts: policy.attempts, backoff: { type: 'alert', delay: policy.backoffMs } },
  );
}

/** The sweep's scheduler (idempotent: one id per installation's queue). */
export async function scheduleSubscriberSweep(producer: JobProducer, everyMs = 30_000): Promise<void> {
  await producer.queue(QUEUES.subscribers).upsertJobScheduler(subscriberSweepJob.name, { every: everyMs }, { name: subscriberSweepJob.name, data: {}, opts: subscriberSweepJob.options });
}
