import { loadConfigOrExit } from '@sentrypulse/shared/config';
import closeWithGrace from 'close-with-grace';
import { closeWorkerContext, createWorkerContext } from './context';
import type { RunningModule } from './module';
import { modules } from './modules';
import { startOpsServer } from './ops-server';

const config = loadConfigOrExit();
const ctx = createWorkerContext(config);
const running: RunningModule[] = [];
let stopping = false;
let ops: { close(): void } | undefined;

// Modules start one after another and the first ones (the ingest consumer, say) take work at
// once, so the start-up loop stops early when a shutdown began and the handler waits for it.
async function startAll(): Promise<void> {
  for (const mod of modules) {
    if (stopping) return;
    running.push(await mod.start(ctx));
    ctx.log.info({ module: mod.name }, 'module started');
  }
  if (stopping) return;
  ops = await startOpsServer(ctx, config.workerPort);
  ctx.log.info({ port: config.workerPort, modules: modules.map((m) => m.name) }, 'worker started');
}
const starting = startAll();

// Installed before any module starts: a SIGTERM during start-up (a deploy that rolls back at
// once, a test that is done) must drain and exit 0, not kill the process by the default action
// in the middle of a batch.
// On SIGTERM: stop taking jobs, let running ones finish (bounded by the delay), flush, close pools.
// A job cut short by SIGKILL is picked up by another worker through BullMQ's stalled-job check.
closeWithGrace({ delay: 25_000 }, async ({ signal, err }) => {
  stopping = true;
  if (err) ctx.log.error({ err }, 'closing after error');
  else ctx.log.info({ signal }, 'worker shutting down');
  await starting.catch(() => undefined);
  ops?.close();
  await Promise.allSettled(running.reverse().map((m) => m.close()));
  await closeWorkerContext(ctx);
});

// A module that cannot start is fatal (top-level rejection: exit 1, after closeWithGrace closed
// what had started).
await starting;
