import type { WorkerModule } from './module';
import { analyticsModule } from './analytics/module';
import { monitoringModule } from './monitoring/module';
import { notifyModule } from './notify/module';
import { subscribersModule } from './subscribers/module';

/** Every module the worker process runs; each capability adds its own line. */
export const modules: WorkerModule[] = [analyticsModule, monitoringModule(), notifyModule(), subscribersModule()];
