import { createTestDatabase, type TestDatabase } from '@sentrypulse/db/testing';
import type { Role } from '@sentrypulse/shared';
import { loadConfig, type Config } from '@sentrypulse/shared/config';
import bcrypt from 'bcrypt';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { buildApp } from '../src/app';
import { signAccessToken } from '../src/auth/tokens';
import { ContractChecker } from './contract';

export interface TestApp {
  app: FastifyInstance;
  db: TestDatabase['db'];
  database: TestDatabase;
  config: Config;
  /** Every answer checked against the OpenAPI document (./contract.ts); close() fails on a mismatch. */
  contract: ContractChecker;
  close(): Promise<void>;
}

/** The environment every test app starts from: its own database and Redis prefix. */
export function testEnv(database: TestDatabase, prefix: string, overrides: Record<string, string> = {}) {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_ENABLED: 'false',
    OUTBOUND_ALLOW_PRIVATE: 'true',
    JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
    PUBLIC_URL: 'http://localhost:3000',
    ...overrides,
  };
}

export async function deleteRedisPrefix(redisUrl: string, prefix: string) {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface TestAppOptions {
  /** A pino logger option, for tests that read what the app logged (default: no logging). */
  logger?: FastifyServerOptions['logger'];
  /** The database name's prefix, to tell a feature's databases apart. */
  databasePrefix?: string;
}

/** Builds the real API against a fresh database; call close() in afterAll. */
export async function createTestApp(overrides: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase(options.databasePrefix ?? 'api');
  const prefix = `sptest:${randomBytes(4).toString('hex')}`;
  const config = loadConfig(testEnv(database, prefix, overrides));
  let built: FastifyInstance | null = null;
  const contract = new ContractChecker(() => built!);
  const app = await buildApp(config, { logger: options.logger ?? false, instrument: (a) => a.addHook('onSend', contract.hook) });
  built = app;
  await app.ready();
  return {
    app,
    db: database.db,
    database,
    config,
    contract,
    async close() {
      await app.close();
      await database.drop();
      await deleteRedisPrefix(config.redisUrl, prefix);
      contract.report();
      if (contract.mismatches.length) {
        throw new Error(`answers that do not match the OpenAPI document:\n${[...new Set(contract.mismatches)].join('\n')}`);
      }
    },
  };
}

// Factories insert rows directly with one precomputed hash: hashing at cost 12 per user would
// make permission tests crawl. Registration itself is tested through the real route.
export const FACTORY_PASSWORD = 'correct horse battery';
const FACTORY_HASH = bcrypt.hashSync(FACTORY_PASSWORD, 4);
let seq = 0;

export interface TestUser {
  id: number;
  email: string;
  name: string;
  token: string;
}

export async function createUser(t: TestApp, name = 'User'): Promise<TestUser> {
  seq += 1;
  const email = `${name.toLowerCase().replace(/\W/g, '')}${seq}.${randomBytes(3).toString('hex')}@example.test`;
  // Verified, like a user who has been around: unverified accounts are made through register.
  const res = await t.db.insertInto('users').values({ name, email, password_hash: FACTORY_HASH, email_verified_at: new Date() }).executeTakeFirstOrThrow();
  const id = Number(res.insertId);
  return { id, email, name, token: signAccessToken(t.config.jwtSecret, id) };
}

export async function createTeam(t: TestApp, owner: TestUser, plan: 'free' | 'pro' | 'business' = 'free') {
  const res = await t.db
    .insertInto('teams')
    .values({ name: `${owner.name}'s team`, owner_id: owner.id, plan })
    .executeTakeFirstOrThrow();
  const id = Number(res.insertId);
  await t.db.insertInto('team_users').values({ team_id: id, user_id: owner.id, role: 'owner' }).execute();
  return id;
}

export async function addMember(t: TestApp, teamId: number, user: TestUser, role: Role) {
  await t.db.insertInto('team_users').values({ team_id: teamId, user_id: user.id, role }).execute();
}

/** A team with one user per role. */
export async function teamWithRoles(t: TestApp, plan: 'free' | 'pro' | 'business' = 'business') {
  const owner = await createUser(t, 'Owner');
  const admin = await createUser(t, 'Admin');
  const member = await createUser(t, 'Member');
  const teamId = await createTeam(t, owner, plan);
  await addMember(t, teamId, admin, 'admin');
  await addMember(t, teamId, member, 'member');
  return { teamId, owner, admin, member, users: { owner, admin, member } as Record<Role, TestUser> };
}

export function bearer(user: TestUser) {
  return { authorization: `Bearer ${user.token}` };
}
