import { transactionWithRetry } from '@sentrypulse/db';
import type { Db } from '@sentrypulse/db';
import { bullPrefix, JobProducer } from '@sentrypulse/jobs';
import type { Config } from '@sentrypulse/shared/config';
import type { Redis } from 'ioredis';
import { hashPassword } from '../auth/passwords';
import { serviceContext, type ServiceContext } from '../context';
import { insertTeamWithOwner } from '../teams/queries';
import type { TeamContext } from '../types';
import * as q from './queries';

export const DEMO_EMAIL = 'demo@sentrypulse.dev';
export const DEMO_PASSWORD = 'demo-password';

/**
 * What a seeder gets: a ServiceContext (`serviceContext(...)`) in which the demo team's owner acts,
 * so a seeder passes it straight to service verbs (`createSite(ctx, …)`), plus the seed's clock.
 */
export interface DemoContext extends ServiceContext {
  userId: number;
  teamId: number;
  /** The demo team as the services see it (its owner acting). */
  team: TeamContext;
  /** "Now" for every generated timestamp (history ends here). */
  now: number;
}

export type DemoSeeder = (ctx: DemoContext) => Promise<void>;
/** One step of the seed: a seeder, or independent seeders that run concurrently. */
export type DemoStep = DemoSeeder | DemoSeeder[];

export interface SeedOptions {
  redis: Redis;
  now?: number;
}

/**
 * Demo data for `pnpm start`: a user, a team on the business plan, and whatever each capability
 * adds through its own seeder (steps in order, the seeders of one step concurrently). Idempotent:
 * an existing demo user means nothing is seeded again. All or nothing: if a seeder fails, the
 * demo user and team (and, by cascade, what the seeders wrote) are removed again, so the next
 * start seeds from scratch.
 */
export async function seedDemo(db: Db, config: Config, steps: DemoStep[], opts: SeedOptions): Promise<{ created: boolean; timings: Array<[string, number]> }> {
  const timings: Array<[string, number]> = [];
  if (await q.userExists(db, DEMO_EMAIL)) return { created: false, timings };
  const now = opts.now ?? Date.now();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const { userId, teamId } = await transactionWithRetry(db, async (trx) => {
    const userId = await q.insertUser(trx, { name: 'Demo', email: DEMO_EMAIL, password_hash: passwordHash });
    const teamId = await insertTeamWithOwner(trx, 'Demo team', userId, 'business');
    return { userId, teamId };
  });
  // The API's own queues and prefix (@sentrypulse/jobs), so the worker picks the jobs up.
  const jobs = new JobProducer({ connection: opts.redis, prefix: bullPrefix(config.redisPrefix), db });
  const team: TeamContext = { id: teamId, role: 'owner', plan: 'business', ownerId: userId };
  const ctx: DemoContext = { ...serviceContext({ db, config, redis: opts.redis, jobs, userId, team }), userId, teamId, team, now };
  try {
    for (const step of steps) {
      const results = await Promise.allSettled(
        (Array.isArray(step) ? step : [step]).map(async (seed) => {
          const started = performance.now();
          await seed(ctx);
          timings.push([seed.name, Math.round(performance.now() - started)]);
        }),
      );
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  } catch (err) {
    await q.removeDemo(db, teamId, userId);
    throw err;
  } finally {
    await jobs.close();
  }
  return { created: true, timings };
}
