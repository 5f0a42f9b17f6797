import type { z } from 'zod';

/**
 * One job's contract (SPEC 9): where it goes, what it carries, how its id is derived and how
 * BullMQ treats it. Producers enqueue through `enqueue(producer, definition, payload)` (the payload
 * is parsed by `schema` first) and the worker registers a handler against the same object (the
 * payload is parsed again before the handler runs), so the two ends cannot drift.
 */
export interface JobDefinition<Q extends string = string, N extends string = string, S extends z.ZodType = z.ZodType> {
  queue: Q;
  name: N;
  schema: S;
  /**
   * The deterministic part of the job id, or undefined for a random id. The producer appends the
   * installation id (ADR 0100), so no definition can forget it.
   */
  jobId?: (payload: z.output<S>) => string;
  options: JobOptions;
}

export type PayloadOf<D extends JobDefinition> = z.output<D['schema']>;

/** The BullMQ options a definition may set (a subset, so definitions stay declarative). */
export interface JobOptions {
  attempts?: number;
  /** `alert` is the delivery strategy registered by the alerts worker; `exponential` is BullMQ's. */
  backoff?: { type: 'alert' | 'exponential' | 'fixed'; delay: number };
  removeOnComplete?: boolean | number;
  removeOnFail?: boolean | number;
}

export function defineJob<const Q extends string, const N extends string, S extends z.ZodType>(def: JobDefinition<Q, N, S>): JobDefinition<Q, N, S> {
  return def;
}
