/**
 * A subscribers-only worker process for the crash test: configuration from the environment like
 * main.ts, short lock/stall timings so a SIGKILLed sibling's job is taken over within about a
 * second. Prints "ready" once it takes jobs. Not used in production.
 */
import { loadConfigOrExit } from '@sentrypulse/shared/config';
import pino from 'pino';
import { closeWorkerContext, createWorkerContext } from '../context';
import { subscribersModule } from './module';

const config = loadConfigOrExit();
const ctx = createWorkerContext(config, pino({ level: config.logLevel }));
const running = await subscribersModule({ lockDuration: 1000, stalledInterval: 500, sweepEveryMs: 0, policy: { attempts: 6, backoffMs: 200 } }).start(ctx);
process.stdout.write('ready\n');

const stop = async () => {
  await running.close();
  await closeWorkerContext(ctx);
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
