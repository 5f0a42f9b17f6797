/**
 * A notify-only worker process for the crash tests and the benchmark: configuration from the
 * environment like main.ts, short BullMQ lock/stall timings so a SIGKILLed sibling's job is taken
 * over within about a second. Prints "ready" once it takes jobs. Not used in production.
 */
import { loadConfigOrExit } from '@sentrypulse/shared/config';
import pino from 'pino';
import { closeWorkerContext, createWorkerContext } from '../context';
import { notifyModule } from './module';

const config = loadConfigOrExit();
const ctx = createWorkerContext(config, pino({ level: config.logLevel }));
const lock = Number(process.env.NOTIFY_TEST_LOCK_MS ?? 1000);
const running = await notifyModule({
  lockDuration: lock,
  stalledInterval: Math.max(200, Math.floor(lock / 2)),
  policy: { attempts: 6, backoffMs: Number(process.env.NOTIFY_TEST_BACKOFF_MS ?? 200) },
  concurrency: Number(process.env.NOTIFY_TEST_CONCURRENCY ?? 50),
}).start(ctx);
process.stdout.write('ready\n');

const stop = async () => {
  await running.close();
  await closeWorkerContext(ctx);
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
