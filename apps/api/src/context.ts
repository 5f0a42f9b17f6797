import type { Db } from '@sentrypulse/db';
import type { JobProducer } from '@sentrypulse/jobs';
import type { Config } from '@sentrypulse/shared/config';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { BaseLogger } from 'pino';
import { Unauthorized } from './errors';
import type { TeamContext } from './types';

/** What a verb logs with: the part of pino that Fastify's request logger and the worker's logger share. */
export type Log = Pick<BaseLogger, 'debug' | 'info' | 'warn' | 'error'>;

/**
 * The one argument every service verb takes first (`verb(ctx, input)`, docs/adr/0101): the
 * infrastructure the verb may use and the scope it acts in. Built per request by `contextOf(req)`,
 * outside a request (demo seed, CLI, worker) by `serviceContext(...)`. Services never see Fastify.
 */
export interface ServiceContext {
  db: Db;
  /** The read replica for heavy reads (stats); the same pool as `db` without DATABASE_READ_URL. */
  readDb: Db;
  redis: Redis;
  /** The typed job producer (@sentrypulse/jobs): verbs enqueue through it after their commit. */
  jobs: JobProducer;
  config: Config;
  log: Log;
  /** Scope: the signed-in user, null on a public route that nobody signed in to. */
  userId: number | null;
  /** Scope: on team routes the team the access hook loaded (membership, role, plan); else null. */
  team: TeamContext | null;
}

/** The request's context: the app's pools and config, the request's logger and the caller's scope. */
export function contextOf(req: FastifyRequest): ServiceContext {
  const app = req.server;
  return { db: app.db, readDb: app.readDb, redis: app.redis, jobs: app.jobs, config: app.config, log: req.log, userId: req.userId, team: req.team };
}

export interface ContextSource {
  db: Db;
  readDb?: Db;
  redis: Redis;
  jobs: JobProducer;
  config: Config;
  log?: Log;
  userId?: number | null;
  team?: TeamContext | null;
}

const quiet: Log = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * A context outside a request (demo seed, CLI, worker). A script without a logger gets a silent
 * one; without a replica, reads go to `db`; without a scope, team verbs refuse to run.
 */
export function serviceContext(src: ContextSource): ServiceContext {
  return {
    db: src.db,
    readDb: src.readDb ?? src.db,
    redis: src.redis,
    jobs: src.jobs,
    config: src.config,
    log: src.log ?? quiet,
    userId: src.userId ?? null,
    team: src.team ?? null,
  };
}

/**
 * The team a verb acts in, checked first by every verb on team-owned rows. The access hook has
 * already answered 404/403 for strangers and missing permissions; reaching a team verb without a
 * team is a wiring bug (a route without `config.permission`), so it is a 500, not a 4xx.
 */
export function teamScope(ctx: Pick<ServiceContext, 'team'>): TeamContext {
  if (!ctx.team) throw new Error('a team verb ran without a team scope (route without config.permission?)');
  return ctx.team;
}

/** The acting user; a verb that needs one answers 401 without. */
export function userScope(ctx: Pick<ServiceContext, 'userId'>): number {
  if (ctx.userId === null) throw new Unauthorized();
  return ctx.userId;
}
