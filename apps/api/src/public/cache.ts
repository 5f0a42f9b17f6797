import { STATUS_PAGE_CACHE_TTL_SECONDS, statusPageCacheKey, statusPagesVersionKey } from '@sentrypulse/db';
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/**
 * Two-level cache of rendered public resources (page JSON, history pages, feed, badges).
 *
 * - Redis holds each resource with the team's cache version it was built at (shared by every API
 *   process, TTL STATUS_PAGE_CACHE_TTL_SECONDS). A version bump (invalidateStatusPagesForTeam)
 *   makes every cached copy of the team stale at once.
 * - Each process keeps the bytes (plain and gzipped, with an ETag) for LOCAL_TTL_MS, so a spike
 *   of visitors costs one Redis round trip per resource per second, not one per request.
 * - Rebuilds are single-flight per resource within a process.
 * When Redis is unavailable the resource is built from MySQL and kept only locally.
 * `{ enabled: false }` builds every request from MySQL and keeps nothing: the same route without
 * its cache, the fair same-transport baseline of `bench:status` (never used by the product).
 */

export const LOCAL_TTL_MS = 1_000;
const LOCAL_MAX_ENTRIES = 2_000;
const GZIP_MIN_BYTES = 1_024;

/** Finds the page (cheap): its team decides which cache version applies. */
export interface Located<P> {
  teamId: number;
  page: P;
}

export interface Loader<P> {
  locate(): Promise<Located<P> | null>;
  /** Renders the resource; null = 404 (e.g. a history cursor that is not valid). */
  render(located: Located<P>): Promise<{ contentType: string; body: string } | null>;
}

export interface Representation {
  status: 200 | 404;
  contentType: string;
  body: Buffer;
  gzip: Buffer | null;
  etag: string;
}

interface LocalEntry {
  rep: Representation;
  at: number;
}

const NOT_FOUND: Representation = { status: 404, contentType: 'text/plain', body: Buffer.alloc(0), gzip: null, etag: '' };

function represent(status: 200 | 404, contentType: string, body: string): Representation {
  const buf = Buffer.from(body);
  return {
    status,
    contentType,
    body: buf,
    gzip: buf.length >= GZIP_MIN_BYTES ? gzipSync(buf, { level: 6 }) : null,
    etag: `"${createHash('sha1').update(buf).digest('base64url').slice(0, 22)}"`,
  };
}

/** Stored in Redis as `<version>|<teamId>|<contentType>\n<body>`. */
function encode(version: string, teamId: number, contentType: string, body: string): string {
  return `${version}|${teamId}|${contentType}\n${body}`;
}

function decode(raw: string): { version: string; teamId: number; contentType: string; body: string } | null {
  const nl = raw.indexOf('\n');
  if (nl < 0) return null;
  const [version, teamId, contentType] = raw.slice(0, nl).split('|');
  if (version === undefined || !teamId || !contentType) return null;
  return { version, teamId: Number(teamId), contentType, body: raw.slice(nl + 1) };
}

/**
 * Locates and renders the resource from MySQL. `versionOf` (the team's cache version) is read
 * between the two, so a bump landing while we render leaves the copy stale; `entry` is what Redis
 * may keep (none when the version could not be read).
 */
async function build<P>(loader: Loader<P>, versionOf: (teamId: number) => Promise<string | null> = async () => null): Promise<{ rep: Representation; entry: string | null }> {
  const located = await loader.locate();
  if (!located) return { rep: NOT_FOUND, entry: null };
  const version = await versionOf(located.teamId);
  const out = await loader.render(located);
  if (!out) return { rep: NOT_FOUND, entry: null };
  return { rep: represent(200, out.contentType, out.body), entry: version === null ? null : encode(version, located.teamId, out.contentType, out.body) };
}

export class PublicCache {
  private readonly local = new Map<string, LocalEntry>();
  private readonly inflight = new Map<string, Promise<Representation>>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
    private readonly options: { enabled: boolean } = { enabled: true },
  ) {}

  /**
   * The representation of `slug`'s resource `variant`. `build` reads MySQL and returns null when
   * the page does not exist or is not public (cached as a 404 for LOCAL_TTL_MS only).
   */
  async get<P>(slug: string, variant: string, loader: Loader<P>): Promise<Representation> {
    if (!this.options.enabled) return (await build(loader)).rep;
    const key = `${statusPageCacheKey(this.prefix, slug)}:${variant}`;
    const hit = this.local.get(key);
    if (hit && this.now() - hit.at < LOCAL_TTL_MS) return hit.rep;
    const running = this.inflight.get(key);
    if (running) return running;
    const p = this.refresh(key, loader).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private remember(key: string, rep: Representation): Representation {
    if (this.local.size >= LOCAL_MAX_ENTRIES) {
      const oldest = this.local.keys().next().value;
      if (oldest !== undefined) this.local.delete(oldest);
    }
    this.local.delete(key);
    this.local.set(key, { rep, at: this.now() });
    return rep;
  }

  private async refresh<P>(key: string, loader: Loader<P>): Promise<Representation> {
    const cached = await this.redis.get(key).catch(() => null);
    const entry = cached ? decode(cached) : null;
    if (entry) {
      const current = await this.redis.get(statusPagesVersionKey(this.prefix, entry.teamId)).catch(() => undefined);
      if (current !== undefined && (current ?? '0') === entry.version) {
        const prev = this.local.get(key)?.rep;
        // Same bytes as before: keep the old buffers (and gzip) instead of compressing again.
        if (prev && prev.status === 200 && prev.body.toString() === entry.body) return this.remember(key, prev);
        return this.remember(key, represent(200, entry.contentType, entry.body));
      }
    }
    return this.rebuild(key, loader);
  }

  private async rebuild<P>(key: string, loader: Loader<P>): Promise<Representation> {
    const { rep, entry } = await build(loader, (teamId) =>
      this.redis.get(statusPagesVersionKey(this.prefix, teamId)).then(
        (v) => v ?? '0',
        () => null,
      ),
    );
    if (entry) await this.redis.set(key, entry, 'EX', STATUS_PAGE_CACHE_TTL_SECONDS).catch(() => undefined);
    return this.remember(key, rep);
  }

  clearLocal() {
    this.local.clear();
  }
}
