import type { Db } from '@sentrypulse/db';
import type { Config } from '@sentrypulse/shared/config';
import { hashPassword } from '../auth/passwords';
import { insertTeamWithOwner } from '../teams/queries';

export const DEMO_EMAIL = 'demo@sentrypulse.dev';
export const DEMO_PASSWORD = 'demo-password';

export interface DemoContext {
  db: Db;
  config: Config;
  userId: number;
  teamId: number;
}

/**
 * Demo data for `pnpm start`: a user, a team on the business plan, and whatever each capability
 * adds through its own seeder. Idempotent: an existing demo user means nothing is seeded again.
 */
export async function seedDemo(db: Db, config: Config, seeders: Array<(ctx: DemoContext) => Promise<void>> = []) {
  const existing = await db.selectFrom('users').select('id').where('email', '=', DEMO_EMAIL).executeTakeFirst();
  if (existing) return { created: false };
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const { userId, teamId } = await db.transaction().execute(async (trx) => {
    const res = await trx.insertInto('users').values({ name: 'Demo', email: DEMO_EMAIL, password_hash: passwordHash }).executeTakeFirstOrThrow();
    const userId = Number(res.insertId);
    const teamId = await insertTeamWithOwner(trx, 'Demo team', userId, 'business');
    return { userId, teamId };
  });
  for (const seed of seeders) await seed({ db, config, userId, teamId });
  return { created: true };
}
