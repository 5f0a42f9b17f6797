/**
 * pnpm bench:ingest [--duration 30] [--connections 100] [--drain-timeout 120]
 *
 * Loads POST /api/analytics/collect of the real API (its own process, rate limits on, behind
 * the "trusted proxy" 127.0.0.1 so X-Forwarded-For varies the client IP) and, in the same run,
 * a bare Fastify route that only parses the JSON and answers 202. The worker's drainer runs in
 * a third process during the load. Reports events/s for both, the ratio, p50/p99 latency, and
 * rows in pageviews_raw vs 202s returned (must be equal). Everything on 127.0.0.1; the
 * database and Redis keys it creates are removed at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { createDb, migrateUrl, serverUrl, sql } from '@sentrypulse/db';

const require = createRequire(new URL('../../apps/api/package.json', import.meta.url));
const autocannon = require('autocannon') as (opts: object) => Promise<AutocannonResult>;
const { Redis } = require('ioredis') as typeof import('ioredis');

interface AutocannonResult {
  /** Seconds the load ran: from autocannon's 'start' (after it has built its request buffers) to the end. */
  duration: number;
  /** autocannon's own figure (includes building the requests): how events/s was computed before. */
  autocannonDuration: number;
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; p97_5: number; average: number; max: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '30' },
    connections: { type: 'string', default: '100' },
    'drain-timeout': { type: 'string', default: '120' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const root = new URL('../../', import.meta.url).pathname;
const serverRoot = process.env.BENCH_DATABASE_SERVER_URL ?? 'mysql://root@127.0.0.1:3306/';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const dbName = `sp_bench_ingest_${randomBytes(4).toString('hex')}`;
const dbUrl = new URL(serverRoot);
dbUrl.pathname = `/${dbName}`;
const prefix = `spbench:${randomBytes(4).toString('hex')}`;

const children: ChildProcess[] = [];
function child(file: string): Promise<{ proc: ChildProcess; port: number }> {
  // BENCH_PROFILE=dir writes V8 CPU profiles of the API and the drainer there (CPU.<date>.<pid>…,
  // the pids are printed).
  const prof =
    process.env.BENCH_PROFILE && !file.includes('bare-server') ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const proc = spawn(process.execPath, [...prof, '--import', 'tsx', file], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
      ENCRYPTION_KEY: '0'.repeat(64),
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_ENABLED: 'true',
      TRUST_PROXY: 'loopback',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(proc);
  if (prof.length) console.log(`profiling ${file} (pid ${proc.pid})`);
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve({ proc, port: Number(m[1]) });
    });
    proc.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
}

async function stop(proc: ChildProcess) {
  if (proc.exitCode !== null) return;
  const done = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await Promise.race([done, new Promise((r) => setTimeout(r, 15_000))]);
  if (proc.exitCode === null) proc.kill('SIGKILL');
}

const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0',
];
const PATHS = ['/', '/pricing', '/blog', '/blog/launch-week', '/docs', '/docs/getting-started', '/about', '/contact', '/changelog', '/careers'];
const REFS = [undefined, undefined, 'https://www.google.com/', 'https://t.co/x', 'https://news.ycombinator.com/', 'https://www.bing.com/', 'https://example.com/pricing'];

/** A pool of realistic, varied requests (bodies, UAs, client IPs), cycled by every connection. */
function requests(code: string) {
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  return Array.from({ length: 2_000 }, () => {
    const custom = rnd(10) === 0;
    const utm = rnd(5) === 0 ? '?utm_source=newsletter&utm_medium=email&utm_campaign=nov' : '';
    const body = {
      site: code,
      name: custom ? 'signup' : 'pageview',
      url: `https://www.example.com${PATHS[rnd(PATHS.length)]}${utm}`,
      referrer: REFS[rnd(REFS.length)],
      width: [390, 768, 1440, 1920][rnd(4)],
      ...(custom ? { props: { plan: ['free', 'pro'][rnd(2)] } } : {}),
    };
    return {
      method: 'POST',
      path: '/api/analytics/collect',
      headers: {
        'content-type': 'text/plain;charset=UTF-8',
        'user-agent': UAS[rnd(UAS.length)],
        // 2,000 distinct client IPs through the trusted proxy (public ranges, several countries).
        'x-forwarded-for': `${[8, 81, 5, 31, 77, 91, 145, 185][rnd(8)]}.${rnd(250) + 1}.${rnd(250) + 1}.${rnd(250) + 1}`,
      },
      body: JSON.stringify(body),
    };
  });
}

/**
 * One load. events/s is 2xx / the time the load actually ran: autocannon's own `duration`
 * starts before it builds each connection's request buffers (100 connections x 2,000 requests,
 * ~2.3 s here, during which nothing is sent), which made every rate ~20% low for both targets.
 */
async function load(port: number, title: string, reqs: object[], seconds: number, cpu?: { pids: Pids; into: CpuSnap }): Promise<AutocannonResult> {
  let started = Date.now();
  let before: CpuSnap = {};
  const run = autocannon({ url: `http://127.0.0.1:${port}`, connections, pipelining: 1, duration: seconds, requests: reqs, title }) as Promise<AutocannonResult> & {
    on(event: 'start', fn: () => void): void;
  };
  run.on('start', () => {
    started = Date.now();
    if (cpu) before = cpuSnap(cpu.pids);
  });
  const r = await run;
  if (cpu) addCpu(cpu.into, before, cpuSnap(cpu.pids));
  return { ...r, duration: (Date.now() - started) / 1000, autocannonDuration: r.duration };
}

/** CPU seconds (user + system) a process has used, from /proc; 0 when it cannot be read. */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

function pidOf(comm: string): number | undefined {
  try {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === comm) return Number(d);
      } catch {
        // gone
      }
    }
  } catch {
    // no /proc
  }
  return undefined;
}

/** Who used the 2 cores while a target was loaded: cores busy per process (CPU s / wall s). */
type CpuSnap = Record<string, number>;
type Pids = Record<string, number | undefined>;
function cpuSnap(pids: Pids): CpuSnap {
  const snap: CpuSnap = { load_generator: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 };
  for (const [name, pid] of Object.entries(pids)) snap[name] = cpuSeconds(pid);
  return snap;
}
function addCpu(into: CpuSnap, a: CpuSnap, b: CpuSnap) {
  for (const k of Object.keys(b)) into[k] = (into[k] ?? 0) + (b[k]! - (a[k] ?? 0));
}
function coresBusy(cpu: CpuSnap, seconds: number) {
  return Object.fromEntries(Object.entries(cpu).filter(([, v]) => v > 0).map(([k, v]) => [k, Math.round((v / seconds) * 100) / 100]));
}

const count2xx = (r: AutocannonResult) => r['2xx'];

function combine(rs: AutocannonResult[]): AutocannonResult {
  const stats: Record<string, { count: number }> = {};
  for (const r of rs) for (const [k, v] of Object.entries(r.statusCodeStats ?? {})) stats[k] = { count: (stats[k]?.count ?? 0) + v.count };
  return {
    duration: rs.reduce((n, r) => n + r.duration, 0),
    autocannonDuration: rs.reduce((n, r) => n + r.autocannonDuration, 0),
    requests: { average: 0, total: rs.reduce((n, r) => n + r.requests.total, 0) },
    latency: {
      p50: Math.max(...rs.map((r) => r.latency.p50)),
      p99: Math.max(...rs.map((r) => r.latency.p99)),
      p97_5: Math.max(...rs.map((r) => r.latency.p97_5)),
      average: rs.reduce((n, r) => n + r.latency.average, 0) / rs.length,
      max: Math.max(...rs.map((r) => r.latency.max)),
    },
    '2xx': rs.reduce((n, r) => n + r['2xx'], 0),
    non2xx: rs.reduce((n, r) => n + r.non2xx, 0),
    errors: rs.reduce((n, r) => n + r.errors, 0),
    timeouts: rs.reduce((n, r) => n + r.timeouts, 0),
    statusCodeStats: stats,
  };
}
const statusSummary = (r: AutocannonResult) =>
  Object.entries(r.statusCodeStats ?? {})
    .map(([k, v]) => `${k}:${v.count}`)
    .join(' ');

async function main() {
  console.log(`bench:ingest — ${duration}s per target, ${connections} connections, database ${dbName}`);
  await migrateUrl(dbUrl.toString());
  const db = createDb(dbUrl.toString(), { connectionLimit: 2 });
  const redis = new Redis(redisUrl);
  try {
    // A site to send to.
    await sql`INSERT INTO users (name, email, password_hash) VALUES ('bench', 'bench@example.test', 'x')`.execute(db);
    await sql`INSERT INTO teams (name, owner_id, plan) VALUES ('bench', 1, 'business')`.execute(db);
    const code = `sp_bench${randomBytes(4).toString('hex')}`;
    await sql`INSERT INTO sites (team_id, name, domain, tracking_code) VALUES (1, 'bench', 'example.com', ${code})`.execute(db);

    const bare = await child('bench/ingest/bare-server.ts');
    const api = await child('bench/api-server.ts');
    const worker = await child('bench/ingest/drain-worker.ts');
    const reqs = requests(code);

    // Warm up both (JIT, caches, connections), then measure each in turn.
    await load(bare.port, 'warmup-bare', reqs, 3);
    await load(api.port, 'warmup-api', reqs, 3);
    // Let the API's buffer flush (50 ms) before taking the baselines, so rows and the
    // server's counter start from the same events.
    await new Promise((r) => setTimeout(r, 1_000));
    await waitForDrain(db, redis, 60);
    await new Promise((r) => setTimeout(r, 1_000));
    const warm = await rowCount(db);

    // Alternate the two targets in rounds, so drift in the machine's load (it is shared) hits
    // both alike; latencies are the worst round's.
    const rounds = duration >= 20 ? 3 : 1;
    const acceptedBefore = await acceptedByServer(api.port);
    const bs: AutocannonResult[] = [];
    const as: AutocannonResult[] = [];
    const pids = { api: api.proc.pid, bare: bare.proc.pid, drain_worker: worker.proc.pid, mariadb: pidOf('mariadbd') ?? pidOf('mysqld'), redis: pidOf('redis-server') };
    const bareCpu: CpuSnap = {};
    const apiCpu: CpuSnap = {};
    for (let r = 0; r < rounds; r++) {
      bs.push(await load(bare.port, 'bare', reqs, duration / rounds, { pids, into: bareCpu }));
      as.push(await load(api.port, 'collect', reqs, duration / rounds, { pids, into: apiCpu }));
    }
    const b = combine(bs);
    const a = combine(as);
    const backlogAtEnd = await redis.xlen(`${prefix}:analytics:ingest`);
    // The server's own count: the client's 2xx count misses responses in flight at the end.
    await new Promise((r) => setTimeout(r, 500));
    const accepted = (await acceptedByServer(api.port)) - acceptedBefore;

    // Stop the API gracefully (flushes its buffer), then wait for the drainer to finish.
    await stop(api.proc);
    const t0 = Date.now();
    const drained = await waitForDrain(db, redis, Number(values['drain-timeout']));
    const drainSeconds = (Date.now() - t0) / 1000;
    const rows = (await rowCount(db)) - warm;

    const bareRps = count2xx(b) / b.duration;
    const apiRps = count2xx(a) / a.duration;
    const result = {
      duration_s: duration,
      connections,
      bare: { events_per_s: Math.round(bareRps), p50_ms: b.latency.p50, p99_ms: b.latency.p99, status: statusSummary(b), errors: b.errors + b.timeouts },
      collect: { events_per_s: Math.round(apiRps), p50_ms: a.latency.p50, p99_ms: a.latency.p99, status: statusSummary(a), errors: a.errors + a.timeouts },
      ratio_vs_bare: Math.round((apiRps / bareRps) * 1000) / 1000,
      // The same counts over autocannon's own duration (which includes its ~2 s of request
      // building per round): how runs before 2026-11-29 computed events/s.
      old_formula: { bare: Math.round(count2xx(b) / b.autocannonDuration), collect: Math.round(count2xx(a) / a.autocannonDuration) },
      responses_202_received: count2xx(a),
      accepted_by_server: accepted,
      rows_in_pageviews_raw: rows,
      lost: accepted - rows,
      stream_backlog_at_load_end: backlogAtEnd,
      drain_after_load_s: Math.round(drainSeconds * 10) / 10,
      drained_fully: drained,
      load_average_1m: Math.round(os.loadavg()[0]! * 10) / 10,
      // Cores each process kept busy while the target was loaded (of 2), and the API's CPU per event.
      cores_busy_during_bare: coresBusy(bareCpu, bs.reduce((n, r) => n + r.duration, 0)),
      cores_busy_during_collect: coresBusy(apiCpu, as.reduce((n, r) => n + r.duration, 0)),
      api_cpu_us_per_event: Math.round(((apiCpu.api ?? 0) / Math.max(1, count2xx(a))) * 1e6),
      bare_cpu_us_per_event: Math.round(((bareCpu.bare ?? 0) / Math.max(1, count2xx(b))) * 1e6),
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(
      `\n| target | events/s | p50 ms | p99 ms |\n|---|---|---|---|\n| bare Fastify (parse JSON, 202) | ${result.bare.events_per_s} | ${b.latency.p50} | ${b.latency.p99} |\n| POST /api/analytics/collect | ${result.collect.events_per_s} | ${a.latency.p50} | ${a.latency.p99} |\n\nratio ${result.ratio_vs_bare}; 202s received ${result.responses_202_received}, accepted by the server ${accepted}, rows ${rows}, lost ${result.lost}`,
    );
    await stop(worker.proc);
    await stop(bare.proc);
    if (result.lost !== 0) process.exitCode = 1;
    console.log(`BENCH_SUMMARY ${JSON.stringify({ bench: 'ingest', figure: `collect ${result.collect.events_per_s} events/s, p99 ${a.latency.p99} ms, lost ${result.lost}`, baseline: `bare Fastify ${result.bare.events_per_s} events/s`, ratio: `${result.ratio_vs_bare}x`, target: '>= 10,000 events/s, >= 1/3 of bare, p99 < 50 ms, 0 lost', met: apiRps >= 10_000 && apiRps >= bareRps / 3 && a.latency.p99 < 50 && result.lost === 0, load: result.load_average_1m })}`); // for `pnpm bench`
  } finally {
    for (const c of children) await stop(c);
    await db.destroy();
    const server = createDb(serverUrl(dbUrl.toString()), { connectionLimit: 1 });
    await sql`DROP DATABASE IF EXISTS ${sql.id(dbName)}`.execute(server);
    await server.destroy();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  }
}

/** sentrypulse_collect_events_total{result="accepted"} from the API's /metrics. */
async function acceptedByServer(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const m = /sentrypulse_collect_events_total\{result="accepted"\} (\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}

async function rowCount(db: ReturnType<typeof createDb>): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM pageviews_raw`.execute(db);
  return Number(rows[0]!.n);
}

/** Waits until the stream is empty and no entry is pending; false on timeout. */
async function waitForDrain(db: ReturnType<typeof createDb>, redis: InstanceType<typeof Redis>, seconds: number): Promise<boolean> {
  const key = `${prefix}:analytics:ingest`;
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const len = await redis.xlen(key);
    if (len === 0) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  void db;
  return false;
}

await main();
