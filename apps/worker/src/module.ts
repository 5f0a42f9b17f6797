import type { WorkerContext } from './context';

/**
 * A capability of the worker (checks, alerts, analytics...). `start` wires its BullMQ workers and
 * job schedulers and returns a handle whose `close` stops taking work and lets running jobs finish.
 */
export interface WorkerModule {
  name: string;
  start(ctx: WorkerContext): Promise<RunningModule>;
}

export interface RunningModule {
  close(): Promise<void>;
}
