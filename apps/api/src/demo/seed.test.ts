import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import { loadConfig } from '@sentrypulse/shared/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../auth/passwords';
import { DEMO_EMAIL, DEMO_PASSWORD, seedDemo } from './seed';
import { demoSeeders } from './seeders';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('seed');
});
afterAll(() => database.drop());

describe('demo seed', () => {
  it('creates a demo login with a business team once, and is idempotent', async () => {
    const config = loadConfig({ DATABASE_URL: database.url });
    expect(await seedDemo(database.db, config, demoSeeders)).toEqual({ created: true });
    expect(await seedDemo(database.db, config, demoSeeders)).toEqual({ created: false });
    const user = await database.db.selectFrom('users').selectAll().where('email', '=', DEMO_EMAIL).executeTakeFirstOrThrow();
    expect(await verifyPassword(DEMO_PASSWORD, user.password_hash)).toBe(true);
    const teams = await database.db.selectFrom('teams').select(['plan', 'owner_id']).execute();
    expect(teams).toEqual([{ plan: 'business', owner_id: user.id }]);
  });
});
