import type { Db } from '@sentrypulse/db';
import type { JobProducer } from '@sentrypulse/jobs';
import type { Config } from '@sentrypulse/shared/config';
import type { Permission, Plan, Role } from '@sentrypulse/shared';
import type { Redis } from 'ioredis';

export interface TeamContext {
  id: number;
  role: Role;
  plan: Plan;
  ownerId: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    /** Stats queries go to the read replica when DATABASE_READ_URL is set. */
    readDb: Db;
    redis: Redis;
    /** The app's one job producer (jobsOf), which service contexts carry. */
    jobs: JobProducer;
    /** Every route with its access requirement (see plugins/access.ts). */
    /** Batched last_used_at of team API tokens (api-tokens/auth.ts). */
    apiTokenUsage: import('./api-tokens/auth').UsageRecorder;
    routeCatalog: Array<{ method: string; url: string; permission: Permission | undefined; public: boolean }>;
  }
  interface FastifyRequest {
    userId: number | null;
    team: TeamContext | null;
    /** Set when the caller authenticated with a team API token (`Bearer sp_…`). */
    apiToken: { id: number; name: string } | null;
  }
  interface FastifyContextConfig {
    /** Routes are authenticated unless they say `public: true`. */
    public?: boolean;
    /** Team-scoped routes name the permission they need; the team comes from `:teamId`. */
    permission?: Permission;
    /** Routes that accept a text/plain JSON body (the collect endpoint). */
    acceptTextPlain?: boolean;
    /** Routes that also accept application/x-www-form-urlencoded (RFC 8058 one-click unsubscribe). */
    acceptForm?: boolean;
  }
}
