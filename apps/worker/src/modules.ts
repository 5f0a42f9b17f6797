import type { WorkerModule } from './module';

/** Every module the worker process runs; each capability adds its own line. */
export const modules: WorkerModule[] = [];
