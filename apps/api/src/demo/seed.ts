import type { Db } from '@sentrypulse/db';
import { bullPrefix, JobProducer } from '@sentrypulse/jobs';
import type { Config } from '@sentrypulse/shared/config';
import type { Redis } from 'ioredis';
import { hashPassword } from '../auth/passwords';
import { insertTeamWithOwner } from '../teams/queries';
import type { TeamContext } from '../types';

export const DEMO_EMAIL = 'demo@sentrypulse.dev';
export const DEMO_PASSWORD = 'demo-password';

export interface DemoContext {
  db: Db;
  config: Config;
  userId: number;
  teamId: number;
  /** The demo team as the services see it (its owner acting). */
  team: TeamContext;
  /** "Now" for every generated timestamp (history ends here). */
  now: number;
  /** For services that cache in Redis (status pages). */
  redis: Redis;
  /** For services that schedule checks (monitors). */
  jobs: JobProducer;
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
  const existing = await db.selectFrom('users').select('id').where('email', '=', DEMO_EMAIL).executeTakeFirst();
  if (existing) return { created: false, timings };
  const now = opts.now ?? Date.now();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const { userId, teamId } = await db.transaction().execute(async (trx) => {
    const res = await trx.insertInto('users').values({ name: 'Demo', email: DEMO_EMAIL, password_hash: passwordHash }).executeTakeFirstOrThrow();
    const userId = Number(res.insertId);
    const teamId = await insertTeamWithOwner(trx, 'Demo team', userId, 'business');
    return { userId, teamId };
  });
  // The API's own queues and prefix (@sentrypulse/jobs), so the worker picks the jobs up.
  const jobs = new JobProducer({ connection: opts.redis, prefix: bullPrefix(config.redisPrefix), db });
  const ctx: DemoContext = { db, config, userId, teamId, team: { id: teamId, role: 'owner', plan: 'business', ownerId: userId }, now, redis: opts.redis, jobs };
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
    // Raw pageviews have no foreign key to their site: they go first, the rest by cascade.
    const sites = await db.selectFrom('sites').select('id').where('team_id', '=', teamId).execute();
    if (sites.length) await db.deleteFrom('pageviews_raw').where('site_id', 'in', sites.map((x) => x.id)).execute();
    await db.deleteFrom('teams').where('id', '=', teamId).execute();
    await db.deleteFrom('users').where('id', '=', userId).execute();
    throw err;
  } finally {
    await jobs.close();
  }
  return { created: true, timings };
}
