/**
 * pnpm bench:status [--duration 30] [--connections 32] [--html-connections 8]
 *
 * A status page with 50 components and 90 days of history (plus active and past incidents and a
 * maintenance), served by the real API (its own process, production mode) and by the production
 * build of apps/web (`next start`). Loads, one after the other, for --duration seconds each:
 *   1. GET /api/public/status-pages/:slug          (JSON, gzip accepted, as browsers send)
 *   2. the same route on a second API process started with its cache off (the baseline)
 *   3. GET /status/:slug on the web server          (HTML, gzip accepted)
 * and reports requests/s and p50/p99 latency. The baseline is the same HTTP route with the same
 * transport (autocannon over 127.0.0.1), connections and duration, on an API process that differs
 * only by `publicStatusCache: false` (bench/api-server.ts, BENCH_PUBLIC_STATUS_CACHE=off): every
 * request then locates, builds from MySQL and gzips the page, as it would without the cache. The
 * ratio is cached req/s over uncached req/s. Targets: JSON >= 5,000 req/s with p99 < 20 ms, HTML
 * p99 < 100 ms (the HTML has no same-run baseline). Ends with one `BENCH_SUMMARY {json}` line for
 * `pnpm bench`. Everything on 127.0.0.1; the database and Redis keys are removed at the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { createDb, serverUrl } from '@sentrypulse/db';
import { migrateUrl } from '@sentrypulse/db';
import { sql } from '@sentrypulse/db';
import { insertIncident, insertMaintenance, insertMonitor, insertRollups } from '@sentrypulse/api/testing';

const require = createRequire(new URL('../../apps/api/package.json', import.meta.url));
const autocannon = require('autocannon') as (opts: object) => Promise<AutocannonResult>;
const { Redis } = require('ioredis') as typeof import('ioredis');

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  throughput: { average: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '30' },
    connections: { type: 'string', default: '32' },
    'html-connections': { type: 'string', default: '8' },
  },
});
const duration = Math.min(Math.max(Number(values.duration), 1), 120);
const connections = Number(values.connections);
const htmlConnections = Number(values['html-connections']);
const root = new URL('../../', import.meta.url).pathname;
const webDir = `${root}apps/web`;
const serverRoot = process.env.BENCH_DATABASE_SERVER_URL ?? 'mysql://root@127.0.0.1:3306/';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const dbName = `sp_bench_status_${randomBytes(4).toString('hex')}`;
const dbUrl = new URL(serverRoot);
dbUrl.pathname = `/${dbName}`;
const prefix = `spbench:${randomBytes(4).toString('hex')}`;
const SLUG = 'bench-status';
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

async function waitFor(url: string, what: string, ms = 90_000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > until) throw new Error(`${what} did not start`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function start(cmd: string[], cwd: string, env: Record<string, string>) {
  const proc = spawn(process.execPath, cmd, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(proc);
  return proc;
}

/** One API process (bench/api-server.ts); `cache: false` is the baseline. Resolves to its URL. */
function startApi(cache: boolean): Promise<string> {
  const proc = start(['--import', 'tsx', 'bench/api-server.ts'], root, {
    NODE_ENV: 'production',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    ENCRYPTION_KEY: 'a'.repeat(64),
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    BENCH_PUBLIC_STATUS_CACHE: cache ? 'on' : 'off',
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(`http://127.0.0.1:${m[1]}`);
    });
    proc.once('exit', (code) => reject(new Error(`API (cache ${cache ? 'on' : 'off'}) exited with ${code}`)));
  });
}

async function seed(): Promise<void> {
  await migrateUrl(dbUrl.toString());
  const db = createDb(dbUrl.toString(), { connectionLimit: 4 });
  try {
    const user = await db.insertInto('users').values({ name: 'Bench', email: 'bench@example.test', password_hash: 'x' }).executeTakeFirstOrThrow();
    const team = await db.insertInto('teams').values({ name: 'Bench', owner_id: Number(user.insertId), plan: 'business' }).executeTakeFirstOrThrow();
    const teamId = Number(team.insertId);
    const page = await db
      .insertInto('status_pages')
      .values({ team_id: teamId, slug: SLUG, title: 'Bench Corp', description: 'Fifty components, ninety days.', accent_color: '#0969da' })
      .executeTakeFirstOrThrow();
    const pageId = Number(page.insertId);
    const monitors: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      const m = await insertMonitor(db, teamId, { status: i === 7 ? 'down' : i === 13 ? 'degraded' : 'up' });
      monitors.push(m);
      await insertRollups(db, teamId, m, 90, { [(i * 7) % 90]: 600 + i * 30, [(i * 13) % 90]: 120 });
    }
    await db
      .insertInto('status_page_components')
      .values(monitors.map((m, i) => ({ status_page_id: pageId, monitor_id: m, display_name: `Service ${i + 1}`, group_name: `Region ${1 + (i % 5)}`, position: i })))
      .execute();
    await insertIncident(db, teamId, {
      kind: 'manual',
      title: 'Elevated latency in Region 3',
      status: 'identified',
      monitor_ids: [monitors[7]!, monitors[13]!],
      updates: [
        { status: 'investigating', message: 'We are looking into **elevated latency**.', created_by: Number(user.insertId) },
        { status: 'identified', message: 'A faulty node was found; see [notes](https://example.com).', created_by: Number(user.insertId) },
      ],
    });
    for (let i = 0; i < 30; i += 1) {
      await insertIncident(db, teamId, {
        kind: i % 2 ? 'auto' : 'manual',
        title: `Past incident ${i}`,
        status: 'resolved',
        monitor_ids: [monitors[i]!],
        started_at: new Date(Date.now() - (i + 1) * 2 * 86_400_000),
        resolved_at: new Date(Date.now() - (i + 1) * 2 * 86_400_000 + 3_600_000),
        updates: [{ status: 'resolved', message: 'Fixed.', created_by: Number(user.insertId) }],
      });
    }
    await insertMaintenance(db, teamId, monitors.slice(0, 3), new Date(Date.now() + 86_400_000), new Date(Date.now() + 90_000_000));
  } finally {
    await db.destroy();
  }
}

async function load(url: string, conns: number) {
  await autocannon({ url, connections: 4, duration: 2, headers: { 'accept-encoding': 'gzip' } }); // warm-up
  return autocannon({ url, connections: conns, duration, headers: { 'accept-encoding': 'gzip' } });
}

function line(name: string, r: AutocannonResult) {
  return `${name.padEnd(27)} ${r.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   max ${r.latency.max} ms   ${(r.throughput.average / 1024 / 1024).toFixed(1)} MiB/s   2xx ${r['2xx']}  non-2xx ${r.non2xx}  errors ${r.errors + r.timeouts}`;
}

async function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
  const server = createDb(serverUrl(dbUrl.toString()), { connectionLimit: 1 });
  await sql`DROP DATABASE IF EXISTS ${sql.id(dbName)}`.execute(server).finally(() => server.destroy());
  const redis = new Redis(redisUrl);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

async function main() {
  if (!existsSync(`${webDir}/.next/server/app/status`)) {
    console.log('building apps/web (no production build with the status page found)…');
    const built = spawnSync('pnpm', ['--filter', '@sentrypulse/web', 'build'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('next build failed');
  }
  await seed();
  const [api, uncachedApi] = await Promise.all([startApi(true), startApi(false)]);
  const webPort = await freePort();
  start([`${webDir}/node_modules/next/dist/bin/next`, 'start', '-H', '127.0.0.1', '-p', String(webPort)], webDir, {
    NODE_ENV: 'production',
    API_INTERNAL_URL: api,
    PUBLIC_URL: `http://127.0.0.1:${webPort}`,
  });
  const web = `http://127.0.0.1:${webPort}`;
  await waitFor(`${web}/status/${SLUG}`, 'web');

  const jsonUrl = `${api}/api/public/status-pages/${SLUG}`;
  const uncachedUrl = `${uncachedApi}/api/public/status-pages/${SLUG}`;
  const sample = await fetch(jsonUrl);
  const body = await sample.text();
  const page = JSON.parse(body) as { components: unknown[] };
  // The baseline must answer the same page (same components), so it does the same work.
  const basePage = (await (await fetch(uncachedUrl)).json()) as { components: unknown[] };
  if (basePage.components.length !== page.components.length) throw new Error('the uncached API answered a different page');
  const html = await (await fetch(`${web}/status/${SLUG}`)).text();
  console.log(`page: ${page.components.length} components x 90 days; JSON ${(body.length / 1024).toFixed(0)} KiB (${(gzipSync(body).length / 1024).toFixed(0)} KiB gzip on the wire); HTML ${(html.length / 1024).toFixed(0)} KiB (${(gzipSync(html).length / 1024).toFixed(0)} KiB gzipped, as nginx would send it)`);
  console.log(`load: ${duration} s each on 127.0.0.1, JSON ${connections} connections (cached and baseline), HTML ${htmlConnections} connections`);
  // Shared machines skew tail latency: say how busy this one was.
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} before the run\n`);

  const json = await load(jsonUrl, connections);
  console.log(line('JSON', json));
  const base = await load(uncachedUrl, connections);
  console.log(line('JSON, cache off (baseline)', base));
  const htmlRes = await load(`${web}/status/${SLUG}`, htmlConnections);
  console.log(line('HTML', htmlRes));
  const ratio = json.requests.average / Math.max(1, base.requests.average);
  console.log(`\nratio cached / cache-off JSON: ${ratio.toFixed(1)}x req/s, p99 ${json.latency.p99} ms vs ${base.latency.p99} ms`);
  console.log(`machine load average after the run: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const ok = json.requests.average >= 5_000 && json.latency.p99 < 20 && htmlRes.latency.p99 < 100 && json.non2xx + htmlRes.non2xx + base.non2xx === 0;
  console.log(`targets (JSON >= 5,000 req/s and p99 < 20 ms; HTML p99 < 100 ms; no errors): ${ok ? 'met' : 'NOT met'}`);
  console.log(
    `BENCH_SUMMARY ${JSON.stringify({
      bench: 'status',
      figure: `JSON ${json.requests.average.toFixed(0)} req/s, p99 ${json.latency.p99} ms; HTML p99 ${htmlRes.latency.p99} ms`,
      baseline: `same route, cache off: ${base.requests.average.toFixed(0)} req/s, p99 ${base.latency.p99} ms`,
      ratio: `${ratio.toFixed(1)}x req/s`,
      target: 'JSON >= 5,000 req/s, p99 < 20 ms; HTML p99 < 100 ms',
      met: ok,
      load: +loadavg()[0]!.toFixed(1),
    })}`,
  );
}

try {
  await main();
} finally {
  await cleanup();
}
