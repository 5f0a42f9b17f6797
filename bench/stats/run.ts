/**
 * pnpm bench:stats [--pageviews 10000000] [--days 400] [--runs 20]
 *                   [--baseline-runs 3] [--baseline-budget 20] [--baseline-cap 60]
 *
 * One site with N pageviews over D days (default 10 million over 400 days, as SPEC asks),
 * generated inside MariaDB with multi-row INSERT ... SELECT from the seq_ numbers table (fast:
 * no rows cross the wire), rolled up with the real aggregator (the same code as the 01:00 job and
 * `analytics:aggregate`), then summary + timeseries and five breakdowns requested through the
 * real API for the last 30 days and the last 12 months. Prints p50/p95 per request.
 * `--pageviews` scales the dataset down on a busy machine (the output says so). `--keep` leaves
 * the database; `--reuse <name>` measures again on a kept one (no generation, no rollup).
 *
 * Baseline, measured in the same run on the same data right after: the summary and the page
 * breakdown for both ranges through the same API, timed the same way (`app.inject`), with the
 * rollups switched off (the site's `aggregated_through` cleared for the duration, then restored),
 * so every figure is computed straight from `pageviews_raw` with plain GROUP BY / COUNT DISTINCT
 * queries — what an implementation without rollups does. Ratio = baseline p50 / API p50 (what the
 * rollups buy). The baseline is slow, so it runs --baseline-runs times (default 3) after one
 * warm-up (a first run over 1 s is measured instead), fewer once a request has used
 * --baseline-budget seconds (default 20); the output says how many. A run still going after
 * --baseline-cap seconds (default 60) is stopped (KILL QUERY on the bench's own database) and
 * counted as the cap, so the baseline and the ratio are then lower bounds (printed with ≥). Ends with one `BENCH_SUMMARY {json}` line for `pnpm bench`.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { buildApp } from '@sentrypulse/api';
import { signAccessToken } from '@sentrypulse/api/testing';
import { addDays, aggregateSiteDay, createDb, localDate, migrateUrl, serverUrl, sql } from '@sentrypulse/db';
import { loadConfig } from '@sentrypulse/shared/config';

const { values } = parseArgs({
  options: {
    pageviews: { type: 'string', default: '10000000' },
    days: { type: 'string', default: '400' },
    runs: { type: 'string', default: '20' },
    'baseline-runs': { type: 'string', default: '3' },
    'baseline-budget': { type: 'string', default: '20' },
    'baseline-cap': { type: 'string', default: '60' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
  },
});
const N = Number(values.pageviews);
const DAYS = Number(values.days);
const RUNS = Number(values.runs);
const BASELINE_RUNS = Math.max(1, Number(values['baseline-runs']));
const BASELINE_BUDGET_MS = Number(values['baseline-budget']) * 1000;
const BASELINE_CAP_MS = Number(values['baseline-cap']) * 1000;
const serverRoot = process.env.BENCH_DATABASE_SERVER_URL ?? 'mysql://root@127.0.0.1:3306/';
const dbName = values.reuse ?? `sp_bench_stats_${randomBytes(4).toString('hex')}`;
if (!/^sp_bench_stats_[0-9a-f]{8}$/.test(dbName)) throw new Error('--reuse takes a database made by this benchmark (sp_bench_stats_xxxxxxxx)');
const dbUrl = new URL(serverRoot);
dbUrl.pathname = `/${dbName}`;
const prefix = `spbench:${randomBytes(4).toString('hex')}`;
const TZ = 'Europe/Berlin';

const elapsed = (t: number) => `${((Date.now() - t) / 1000).toFixed(1)} s`;

async function main() {
  console.log(`bench:stats — ${N.toLocaleString('en')} pageviews over ${DAYS} days${N < 10_000_000 ? ' (SCALED DOWN from the 10M target)' : ''}; database ${dbName}`);
  await migrateUrl(dbUrl.toString());
  const db = createDb(dbUrl.toString(), { connectionLimit: 4 });
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: dbUrl.toString(),
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_ENABLED: 'false',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
  });
  const app = await buildApp(config, { logger: false });
  try {
    if (!values.reuse) await generate(db);
    await measure(app, db, config.jwtSecret);
  } finally {
    await app.close();
    await db.destroy();
    await deleteRedisPrefix(config.redisUrl, prefix);
    if (!values.keep && !values.reuse) {
      const server = createDb(serverUrl(dbUrl.toString()), { connectionLimit: 1 });
      await sql`DROP DATABASE IF EXISTS ${sql.id(dbName)}`.execute(server);
      await server.destroy();
    } else {
      console.log(`kept database ${dbName} (measure again with --reuse ${dbName}; drop it when done)`);
    }
  }
}

/** The app's queues leave a few keys under our prefix; remove them. */
async function deleteRedisPrefix(url: string, keyPrefix: string) {
  const { Redis } = createRequire(new URL('../../apps/api/package.json', import.meta.url))('ioredis') as typeof import('ioredis');
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function generate(db: ReturnType<typeof createDb>) {
  {
    await sql`INSERT INTO users (name, email, password_hash) VALUES ('bench', 'bench@example.test', 'x')`.execute(db);
    await sql`INSERT INTO teams (name, owner_id, plan) VALUES ('bench', 1, 'business')`.execute(db);
    await sql`INSERT INTO team_users (team_id, user_id, role) VALUES (1, 1, 'owner')`.execute(db);
    await sql`INSERT INTO sites (team_id, name, domain, tracking_code, timezone) VALUES (1, 'bench', 'example.com', 'sp_benchstats', ${TZ})`.execute(db);

    // ---- generate --------------------------------------------------------------------------
    const now = Date.now();
    const start = now - DAYS * 86_400_000;
    const spanMs = now - start;
    const perDay = N / DAYS;
    const t0 = Date.now();
    const chunk = 250_000;
    for (let from = 0; from < N; from += chunk) {
      const to = Math.min(N, from + chunk) - 1;
      // n → a time in order (so inserts append to the clustered key), a day-local visitor
      // (about a third of a day's pageviews), visits of ~2.5 pageviews, skewed pages, and
      // referrers / UTM / browsers / OS / devices / countries cycling at different periods.
      await sql`
        INSERT INTO pageviews_raw (site_id, ts, event_id, visitor_id, visit_id, name, hostname, pathname, entry_page,
          referrer_source, utm_source, utm_medium, utm_campaign, browser, os, device, country, props)
        SELECT 1,
          FROM_UNIXTIME((${start} + seq * ${spanMs / N}) / 1000),
          UNHEX(LPAD(HEX(seq), 32, '0')),
          UNHEX(LPAD(HEX(FLOOR(seq / ${perDay}) * 1000000 + (seq * 7919) MOD ${Math.max(1, Math.round(perDay / 3))}), 16, '0')),
          FLOOR(seq / ${perDay}) * 10000000 + (seq * 7919) MOD ${Math.max(1, Math.round(perDay / 2.5))},
          IF(seq MOD 20 = 0, 'signup', 'pageview'),
          'example.com',
          CONCAT('/p/', FLOOR(POW(((seq * 2654435761) MOD 1000) / 1000, 3) * 200)),
          CONCAT('/p/', FLOOR(POW(((seq * 40503) MOD 1000) / 1000, 3) * 50)),
          ELT(1 + seq MOD 13, '', '', '', 'Google', 'Google', 'Twitter', 'Bing', 'news.ycombinator.com', 'Reddit', 'DuckDuckGo', 'LinkedIn', 'github.com', 'Facebook'),
          IF(seq MOD 7 = 0, 'newsletter', ''),
          IF(seq MOD 7 = 0, 'email', ''),
          IF(seq MOD 7 = 0, CONCAT('campaign-', seq MOD 5), ''),
          ELT(1 + seq MOD 5, 'Chrome', 'Safari', 'Firefox', 'Edge', 'Mobile Safari'),
          ELT(1 + seq MOD 4, 'Windows', 'macOS', 'iOS', 'Android'),
          ELT(1 + seq MOD 3, 'Desktop', 'Mobile', 'Tablet'),
          ELT(1 + seq MOD 12, 'US', 'DE', 'GB', 'FR', 'NL', 'IN', 'BR', 'CA', 'JP', 'ES', 'IT', 'PL'),
          IF(seq MOD 20 = 0, '[["plan","pro"]]', NULL)
        FROM ${sql.raw(`seq_${from}_to_${to}`)}
      `.execute(db);
      process.stdout.write(`\r  generated ${(to + 1).toLocaleString('en')} rows (${elapsed(t0)})`);
    }
    const genSeconds = (Date.now() - t0) / 1000;
    console.log(`\n  ${Math.round(N / genSeconds).toLocaleString('en')} rows/s`);

    // ---- roll up every complete day with the real aggregator --------------------------------
    const t1 = Date.now();
    const site = { id: 1, timezone: TZ, aggregated_through: null as string | null };
    const first = localDate(start, TZ);
    const last = addDays(localDate(now, TZ), -1);
    let days = 0;
    for (let d = first; d <= last; d = addDays(d, 1)) {
      await aggregateSiteDay(db, site, d);
      days += 1;
      if (days % 10 === 0) process.stdout.write(`\r  rolled up ${days} days (${elapsed(t1)})`);
    }
    const aggSeconds = (Date.now() - t1) / 1000;
    console.log(`\r  rolled up ${days} days in ${aggSeconds.toFixed(1)} s (${((aggSeconds / days) * 1000).toFixed(0)} ms per day)`);
  }
}

type App = Awaited<ReturnType<typeof buildApp>>;

/** Times one GET `runs` times after `warm` warm-ups; sorted ms and the last body. */
async function time(app: App, url: string, token: string, warm: number, runs: number) {
  const times: number[] = [];
  let body = '';
  for (let i = 0; i < warm + runs; i++) {
    const t = process.hrtime.bigint();
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    body = res.body;
    if (i >= warm) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { times, body };
}

/** Stops the statements running on this benchmark's database (only the baseline's ones run then). */
async function killOurQueries(db: ReturnType<typeof createDb>): Promise<number> {
  const { rows } = await sql<{ id: number }>`
    SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ${dbName} AND COMMAND = 'Query' AND ID <> CONNECTION_ID()`.execute(db);
  for (const r of rows) await sql`KILL QUERY ${sql.raw(String(Number(r.id)))}`.execute(db).catch(() => undefined);
  return rows.length;
}

/**
 * The baseline's timing, the same way as time() but bounded: up to BASELINE_RUNS runs after one
 * warm-up (a first run over 1 s is measured instead of thrown away), fewer once BASELINE_BUDGET_MS
 * is used, and a run still going after BASELINE_CAP_MS is stopped (KILL QUERY on this database)
 * and counted as the cap: the figure is then a lower bound.
 */
async function timeBaseline(app: App, db: ReturnType<typeof createDb>, url: string, token: string) {
  const times: number[] = [];
  let body = '';
  let capped = false;
  const t0 = Date.now();
  for (let i = 0; times.length < BASELINE_RUNS; i++) {
    const t = process.hrtime.bigint();
    let timer: NodeJS.Timeout | undefined;
    const cap = new Promise<'cap'>((r) => (timer = setTimeout(() => r('cap'), BASELINE_CAP_MS)));
    const req = app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    const first = await Promise.race([req.then(() => 'done' as const), cap]);
    clearTimeout(timer);
    if (first === 'cap') {
      capped = true;
      await killOurQueries(db);
      await req; // the API answers 500 once its statements are killed
      while ((await killOurQueries(db)) > 0) await new Promise((r) => setTimeout(r, 100));
      times.push(BASELINE_CAP_MS);
      break;
    }
    const res = await req;
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    body = res.body;
    if (i >= 1 || ms > 1000) times.push(ms);
    if (times.length > 0 && Date.now() - t0 > BASELINE_BUDGET_MS) break;
  }
  times.sort((a, b) => a - b);
  return { times, body, capped };
}

const q = (times: number[], p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!;

async function measure(app: App, db: ReturnType<typeof createDb>, jwtSecret: string) {
  {
    const token = signAccessToken(jwtSecret, 1);
    const now = Date.now();
    const load = os.loadavg()[0]!;
    // ---- measure ------------------------------------------------------------------------------
    const today = localDate(now, TZ);
    const ranges: [string, string, string][] = [
      ['last 30 days', addDays(today, -29), today],
      ['last 12 months', addDays(today, -364), today],
    ];
    const requests = (from: string, to: string) => [
      ['summary + timeseries', `/stats?from=${from}&to=${to}`],
      ...['page', 'referrer', 'country', 'browser', 'device'].map((p) => [`breakdown ${p}`, `/breakdown?property=${p}&from=${from}&to=${to}&limit=10`]),
    ];
    const rows: string[] = [];
    const api = new Map<string, { p50: number; p95: number; body: string }>();
    let worst = 0;
    for (const [label, from, to] of ranges) {
      for (const [name, path] of requests(from, to)) {
        const { times, body } = await time(app, `/api/teams/1/sites/1${path}`, token, 2, RUNS);
        worst = Math.max(worst, q(times, 0.95));
        api.set(`${label}|${name}`, { p50: q(times, 0.5), p95: q(times, 0.95), body });
        rows.push(`| ${label} | ${name} | ${q(times, 0.5).toFixed(1)} | ${q(times, 0.95).toFixed(1)} |`);
      }
    }
    const after = os.loadavg()[0]!;
    console.log(`\n| range | request | p50 ms | p95 ms |\n|---|---|---|---|\n${rows.join('\n')}`);
    console.log(`\nworst p95 ${worst.toFixed(1)} ms (target < 150 ms); ${N.toLocaleString('en')} pageviews, ${RUNS} runs per request; load average ${load.toFixed(1)} before, ${after.toFixed(1)} after (2 cores)`);

    // ---- baseline: the same requests with the rollups switched off (straight from raw) ---------
    const saved = await sql<{ d: string | null }>`SELECT DATE_FORMAT(aggregated_through, '%Y-%m-%d') AS d FROM sites WHERE id = 1`.execute(db);
    const aggregatedThrough = saved.rows[0]?.d ?? null;
    const baseRows: string[] = [];
    const base = new Map<string, { p50: number; ratio: number; capped: boolean }>();
    let sameFigures = true;
    console.log(
      `\nbaseline: the same requests with the rollups off (aggregated_through cleared), i.e. plain GROUP BY / COUNT DISTINCT over pageviews_raw; ` +
        `slow, so up to ${BASELINE_RUNS} runs per request after 1 warm-up (a first run over 1 s counts as a run), fewer once a request has used ${BASELINE_BUDGET_MS / 1000} s, ` +
        `and a run still going after ${BASELINE_CAP_MS / 1000} s is stopped and counted as the cap (a lower bound, marked ≥)`,
    );
    await sql`UPDATE sites SET aggregated_through = NULL WHERE id = 1`.execute(db);
    try {
      for (const [label, from, to] of ranges) {
        for (const [name, path] of requests(from, to).filter(([n]) => n === 'summary + timeseries' || n === 'breakdown page')) {
          const { times, body, capped } = await timeBaseline(app, db, `/api/teams/1/sites/1${path}`, token);
          const a = api.get(`${label}|${name}`)!;
          const ratio = q(times, 0.5) / a.p50;
          const ge = capped ? '≥ ' : '';
          base.set(`${label}|${name}`, { p50: q(times, 0.5), ratio, capped });
          const same = capped ? null : body === a.body;
          if (same === false) sameFigures = false;
          baseRows.push(
            `| ${label} | ${name} | ${a.p50.toFixed(1)} | ${ge}${q(times, 0.5).toFixed(1)}${capped ? ' (stopped at the cap)' : ''} | ${times.length} | ${ge}${ratio.toFixed(1)}x | ${same === null ? '–' : same ? 'yes' : 'NO'} |`,
          );
        }
      }
    } finally {
      await sql`UPDATE sites SET aggregated_through = ${aggregatedThrough} WHERE id = 1`.execute(db);
    }
    const end = os.loadavg()[0]!;
    console.log(`\n| range | request | API p50 ms | baseline (raw) p50 ms | baseline runs | ratio baseline / API | same response |\n|---|---|---|---|---|---|---|\n${baseRows.join('\n')}`);
    const met = worst < 150;
    console.log(
      `\ntarget (every API p95 < 150 ms): ${met ? 'met' : 'NOT met'} (worst ${worst.toFixed(1)} ms); baseline ${sameFigures ? 'returned the same figures' : 'returned DIFFERENT figures (see the last column)'}; ` +
        `load average ${end.toFixed(1)} at the end${end > 2 ? ' (the machine was shared: these are not the capability\'s limit)' : ''}`,
    );
    const b12 = base.get('last 12 months|summary + timeseries')!;
    const b30 = base.get('last 30 days|summary + timeseries')!;
    const api12 = api.get('last 12 months|summary + timeseries')!;
    const ge = (b: { capped: boolean }) => (b.capped ? '≥ ' : '');
    console.log(
      `BENCH_SUMMARY ${JSON.stringify({
        bench: 'stats',
        figure: `${(N / 1e6).toLocaleString('en')}M pageviews: worst p95 ${worst.toFixed(1)} ms; 12-month summary p50 ${api12.p50.toFixed(1)} ms`,
        baseline: `raw GROUP BY: 12-month summary p50 ${ge(b12)}${Math.round(b12.p50).toLocaleString('en')} ms, 30-day ${ge(b30)}${Math.round(b30.p50).toLocaleString('en')} ms`,
        ratio: `12-month summary ${ge(b12)}${Math.round(b12.ratio).toLocaleString('en')}x, 30-day ${ge(b30)}${b30.ratio.toFixed(0)}x`,
        target: 'p95 < 150 ms (every request)',
        met,
        load: +after.toFixed(1),
        ...(N < 10_000_000 ? { scaled: 'from 10M pageviews' } : {}),
      })}`,
    );
  }
}

await main();
