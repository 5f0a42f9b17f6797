/**
 * Cache keys of the public status pages and the one call other capabilities make when something
 * shown on a page changes (a monitor's status, an incident or its updates, a maintenance window).
 *
 * Invalidation bumps a per-team version number; every cached page remembers the version it was
 * built at and is rebuilt when the numbers differ. So the caller needs only the team id (not which
 * pages show the monitor), a bump costs one INCR, and a page built from stale rows while the bump
 * happened is never served as fresh. A short TTL on every cached page is the fallback when Redis
 * missed a bump (see docs/adr/0070-status-page-cache-versioned-per-team.md).
 */

/** The subset of ioredis this needs, so packages/db does not depend on ioredis. */
export interface RedisIncr {
  incr(key: string): Promise<number>;
}

export function statusPagesVersionKey(prefix: string, teamId: number): string {
  return `${prefix}:sp:ver:${teamId}`;
}

export function statusPageCacheKey(prefix: string, slug: string): string {
  return `${prefix}:sp:page:${slug}`;
}

export function statusDomainCacheKey(prefix: string, host: string): string {
  return `${prefix}:sp:domain:${host}`;
}

/**
 * Call after committing a change that a status page of `teamId` shows. Never throws: a failed
 * bump only delays the change until the cached copy expires (STATUS_PAGE_CACHE_TTL_SECONDS).
 */
export async function invalidateStatusPagesForTeam(redis: RedisIncr, prefix: string, teamId: number): Promise<boolean> {
  try {
    await redis.incr(statusPagesVersionKey(prefix, teamId));
    return true;
  } catch {
    return false;
  }
}

/** How long a cached public page may live without any invalidation. */
export const STATUS_PAGE_CACHE_TTL_SECONDS = 15;
