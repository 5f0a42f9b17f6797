import { loadConfigOrExit } from '@sentrypulse/shared/config';
import closeWithGrace from 'close-with-grace';
import { closeWorkerContext, createWorkerContext } from './context';
import type { RunningModule } from './module';
import { modules } from './modules';
import { startOpsServer } from './ops-server';

const config = loadConfigOrExit();
const ctx = createWorkerContext(config);
const running: RunningModule[] = [];

for (const mod of modules) {
  running.push(await mod.start(ctx));
  ctx.log.info({ module: mod.name }, 'module started');
}
const ops = await startOpsServer(ctx, config.workerPort);
ctx.log.info({ port: config.workerPort, modules: modules.map((m) => m.name) }, 'worker started');

// On SIGTERM: stop taking jobs, let running ones finish (bounded by the delay), flush, close pools.
// A job cut short by SIGKILL is picked up by another worker through BullMQ's stalled-job check.
closeWithGrace({ delay: 25_000 }, async ({ signal, err }) => {
  if (err) ctx.log.error({ err }, 'closing after error');
  else ctx.log.info({ signal }, 'worker shutting down');
  ops.close();
  await Promise.allSettled(running.reverse().map((m) => m.close()));
  await closeWorkerContext(ctx);
});
