import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { BUILDER, buildTracker, DIST, gzip, SOURCE } from './build';

export { buildTracker, GZIP_BUDGET } from './build';

export interface TrackerScript {
  /** The minified script, served as application/javascript. */
  body: Buffer;
  /** The same bytes gzipped once (level 9), for clients that accept gzip. */
  gzip: Buffer;
  /** A strong ETag for the body (quoted), the same for every process serving this build. */
  etag: string;
}

async function mtime(path: string): Promise<number | null> {
  return stat(path).then(
    (s) => s.mtimeMs,
    () => null,
  );
}

/**
 * dist/ is not committed (ADR 0060): a deployed api reads dist/tracker.js, built by
 * `pnpm -r build` in the image; in development and tests, where dist/ may be missing or older
 * than the source or the build options, the script is built in memory (esbuild and terser are
 * devDependencies there).
 * Nothing is written, so parallel test processes never race on dist/.
 */
async function load(): Promise<TrackerScript> {
  const [built, ...inputs] = await Promise.all([mtime(DIST), mtime(SOURCE), mtime(BUILDER)]);
  const fresh = built !== null && inputs.every((t) => t === null || built >= t);
  let body: Buffer;
  if (fresh) body = await readFile(DIST);
  else {
    try {
      body = Buffer.from(await buildTracker());
    } catch (err) {
      // Without the build tools (a production install whose copied dist/ looks older than the
      // source, e.g. after a copy that reset times) the shipped build beats a 503.
      if (built === null) throw err;
      body = await readFile(DIST);
    }
  }
  return { body, gzip: gzip(body), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

let cached: Promise<TrackerScript> | null = null;

/** The tracker as the api serves it at /tracker.js; loaded once per process. A failure is not cached. */
export function trackerScript(): Promise<TrackerScript> {
  cached ??= load().catch((err: unknown) => {
    cached = null;
    throw err;
  });
  return cached;
}
