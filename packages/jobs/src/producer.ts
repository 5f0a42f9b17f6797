import { readInstallationId, type Db } from '@sentrypulse/db';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { JobDefinition, JobOptions, PayloadOf } from './definition';
import type { QueueName } from './definitions';
import type { z } from 'zod';

/** The BullMQ key prefix of an installation's queues: `<REDIS_PREFIX>:bull`. */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}:bull`;
}

/**
 * A connection for request-path producers (the api): commands fail at once while Redis is away
 * instead of queueing, so a request answers 503 instead of hanging (ENGINEERING.md).
 */
export function failFastConnection(redisUrl: string, onError: (err: Error) => void): Redis {
  const connection = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  connection.on('error', onError);
  return connection;
}

export interface JobProducerOptions {
  /** Shared by every queue of the producer; the caller owns it (and disconnects it). */
  connection: Redis;
  /** `bullPrefix(config.redisPrefix)`. */
  prefix: string;
  /** Where the installation id is read (once, on the first enqueue). */
  db: Db;
  onError?: (err: Error) => void;
}

/**
 * The one queue factory: a producer opens each queue on first use over one connection, and knows
 * the installation id that namespaces job ids (ADR 0100). The api builds one with a fail-fast
 * connection, each worker module one with a worker connection.
 */
export class JobProducer {
  private readonly queues = new Map<QueueName, Queue>();
  private installation: Promise<string> | null = null;

  constructor(private readonly opts: JobProducerOptions) {}

  /** The BullMQ queue itself: for the scheduling code of this package, metrics and tests. */
  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.opts.connection, prefix: this.opts.prefix });
      const onError = this.opts.onError;
      if (onError) q.on('error', onError);
      this.queues.set(name, q);
    }
    return q;
  }

  /** Read once and kept: the id changes only with a new database, which means a restart. */
  installationId(): Promise<string> {
    if (!this.installation) {
      this.installation = readInstallationId(this.opts.db);
      // A failed read (MySQL away) is not cached: the next enqueue tries again.
      this.installation.catch(() => (this.installation = null));
    }
    return this.installation;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}

/** A payload that does not match its definition's schema: a bug in the producer, never retried. */
export class InvalidPayloadError extends Error {
  override name = 'InvalidPayloadError';
}

export function payloadProblem(def: JobDefinition, data: unknown): { ok: true; payload: unknown } | { ok: false; reason: string } {
  const parsed = def.schema.safeParse(data);
  if (parsed.success) return { ok: true, payload: parsed.data };
  const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(payload)'}: ${i.message}`).join('; ');
  return { ok: false, reason: `invalid payload for ${def.queue}/${def.name}: ${issues}` };
}

/** A job id unique to this installation: `<rule>@<installation id>` (BullMQ forbids ':'). */
export function namespacedJobId(local: string, installationId: string): string {
  return `${local}@${installationId}`;
}

export interface EnqueueOverrides extends JobOptions {
  /** The deterministic part of the id when it depends on more than the payload (check-now). */
  jobId?: string;
  delay?: number;
}

function jobOptions(def: JobDefinition, payload: unknown, installationId: string, overrides: EnqueueOverrides) {
  const { jobId: localOverride, ...rest } = overrides;
  const local = localOverride ?? def.jobId?.(payload);
  return { ...def.options, ...rest, ...(local !== undefined ? { jobId: namespacedJobId(local, installationId) } : {}) };
}

function validPayload<D extends JobDefinition>(def: D, payload: unknown): PayloadOf<D> {
  const checked = payloadProblem(def, payload);
  if (!checked.ok) throw new InvalidPayloadError(checked.reason);
  return checked.payload as PayloadOf<D>;
}

/**
 * Adds one job after parsing its payload with the definition's schema; answers the job id. A job
 * id already present in the queue (a replay) adds nothing, which is the point of deterministic ids.
 */
export async function enqueue<D extends JobDefinition>(producer: JobProducer, def: D, payload: z.input<D['schema']>, overrides: EnqueueOverrides = {}): Promise<string> {
  const data = validPayload(def, payload);
  const opts = jobOptions(def, data, await producer.installationId(), overrides);
  const job = await producer.queue(def.queue as QueueName).add(def.name, data, opts);
  return String(job.id);
}

/** Adds several jobs of one definition in one round trip (every payload parsed first). */
export async function enqueueMany<D extends JobDefinition>(producer: JobProducer, def: D, payloads: Array<z.input<D['schema']>>, overrides: Omit<EnqueueOverrides, 'jobId'> = {}): Promise<void> {
  if (payloads.length === 0) return;
  const data = payloads.map((p) => validPayload(def, p));
  const installationId = await producer.installationId();
  await producer.queue(def.queue as QueueName).addBulk(data.map((d) => ({ name: def.name, data: d, opts: jobOptions(def, d, installationId, overrides) })));
}

/** The id a job of this definition and payload gets (what failed_jobs and getJob see). */
export async function jobIdOf<D extends JobDefinition>(producer: JobProducer, def: D, payload: z.input<D['schema']>, localId?: string): Promise<string> {
  const local = localId ?? def.jobId?.(validPayload(def, payload));
  if (local === undefined) throw new Error(`${def.queue}/${def.name} has no deterministic job id`);
  return namespacedJobId(local, await producer.installationId());
}
