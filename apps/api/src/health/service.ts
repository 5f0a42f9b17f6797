import { withTimeout } from '@sentrypulse/shared';
import type { ServiceContext } from '../context';
import { pingDatabase } from './queries';

/** A dependency that does not answer within this is down, as far as the load balancer is concerned. */
const PROBE_TIMEOUT_MS = 2_000;

/** Readiness: can this process reach MySQL and Redis right now? Both probes run side by side. */
export async function readiness(ctx: ServiceContext): Promise<{ ready: boolean; mysql: boolean; redis: boolean }> {
  const [mysql, redis] = await Promise.all([
    withTimeout(pingDatabase(ctx.db), PROBE_TIMEOUT_MS).then(() => true, () => false),
    withTimeout(ctx.redis.ping(), PROBE_TIMEOUT_MS).then(() => true, () => false),
  ]);
  return { ready: mysql && redis, mysql, redis };
}
