/**
 * Sparkline query on a monitor_checks table with a lot of history (docs/dashboard.md).
 *
 *   pnpm bench:sparklines                      # 100 monitors x 20,000 checks (+ another team's)
 *   CHECKS_PER_MONITOR=50000 pnpm bench:sparklines
 *
 * Builds its own database, fills it with the Sequence engine, then times for 100 monitor ids:
 * the endpoint's query (ids narrowed to the team, then a UNION ALL of one LIMIT 30 per monitor),
 * the old way (one checks query per monitor, what 100 list rows used to send), and a window
 * function (ROW_NUMBER() over each monitor's checks). Prints EXPLAIN and ANALYZE row counts.
 * Baseline (same run, same database): the old way. Target: the endpoint's p95 < 100 ms for 100
 * monitors (the monitors-list budget). Ends with one `BENCH_SUMMARY {json}` line for `pnpm bench`.
 */
import { createTestDatabase } from '@sentrypulse/db/testing';
import { sql } from '@sentrypulse/db';
import { loadavg } from 'node:os';
import { sparklines } from '@sentrypulse/api/testing';

const MONITORS = 100;
const CHECKS = Number(process.env.CHECKS_PER_MONITOR ?? 20_000);
const RUNS = Number(process.env.RUNS ?? 30);

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(s.length * p) - 1))]!;
}

async function time(label: string, runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  console.log(`${label.padEnd(58)} p50 ${pct(ms, 0.5).toFixed(1).padStart(7)} ms   p95 ${pct(ms, 0.95).toFixed(1).padStart(7)} ms   (${runs} runs)`);
  return { p50: pct(ms, 0.5), p95: pct(ms, 0.95) };
}

const database = await createTestDatabase('sparkbench');
const { db } = database;
try {
  const t0 = performance.now();
  await sql`INSERT INTO users (email, name, password_hash) VALUES ('a@bench', 'A', 'x'), ('b@bench', 'B', 'x')`.execute(db);
  await sql`INSERT INTO teams (name, owner_id, plan) VALUES ('Bench', 1, 'business'), ('Other', 2, 'business')`.execute(db);
  // Team 1: monitors 1..100; team 2: monitors 101..200 (the foreign ids of the scoping check).
  await sql`INSERT INTO monitors (team_id, name, type, url, method, interval_seconds, timeout_ms, status, enabled)
    SELECT IF(seq <= ${MONITORS}, 1, 2), CONCAT('m', seq), 'http', 'http://127.0.0.1/', 'GET', 60, 5000, 'up', 1 FROM seq_1_to_${sql.raw(String(2 * MONITORS))}`.execute(db);
  // Interleaved in time like a real table: every minute, one check per monitor.
  const now = Date.now();
  const chunk = 2_000;
  for (let from = 0; from < CHECKS; from += chunk) {
    const to = Math.min(CHECKS, from + chunk) - 1;
    await sql`INSERT INTO monitor_checks (monitor_id, team_id, status, status_code, response_time_ms, checked_at)
      SELECT m.seq, IF(m.seq <= ${MONITORS}, 1, 2), IF((m.seq + k.seq) % 97 = 0, 'down', 'up'), 200, 50 + (m.seq * 7 + k.seq * 13) % 400,
             TIMESTAMPADD(SECOND, 60 * (CAST(k.seq AS SIGNED) - ${CHECKS}), ${new Date(now)})
      FROM seq_1_to_${sql.raw(String(2 * MONITORS))} m CROSS JOIN seq_${sql.raw(String(from))}_to_${sql.raw(String(to))} k`.execute(db);
  }
  await sql`ANALYZE TABLE monitor_checks`.execute(db);
  const { rows: count } = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM monitor_checks`.execute(db);
  console.log(`monitor_checks: ${Number(count[0]!.n).toLocaleString('en')} rows (${MONITORS} monitors of the team + ${MONITORS} of another, ${CHECKS.toLocaleString('en')} checks each), filled in ${((performance.now() - t0) / 1000).toFixed(0)} s; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  const ids = Array.from({ length: MONITORS }, (_, i) => i + 1);
  const foreign = Array.from({ length: MONITORS }, (_, i) => MONITORS + i + 1);
  const answer = await sparklines(db, 1, ids);
  if (answer.items.length !== MONITORS || answer.items.some((i) => i.checks.length !== 30)) throw new Error('unexpected answer');
  if ((await sparklines(db, 1, foreign)).items.length !== 0) throw new Error('foreign monitors answered');

  const arm = sql`SELECT monitor_id, id, status, response_time_ms, checked_at FROM monitor_checks FORCE INDEX (monitor_checks_monitor_time_idx)
    WHERE monitor_id = 1 AND team_id = 1 ORDER BY checked_at DESC, id DESC LIMIT 30`;
  console.log('\nEXPLAIN of one arm of the UNION ALL:');
  console.table((await sql<Record<string, unknown>>`EXPLAIN ${arm}`.execute(db)).rows.map(({ id: _id, ...r }) => r));
  const union = sql.join(ids.map((id) => sql`(SELECT monitor_id, id, status, response_time_ms, checked_at FROM monitor_checks FORCE INDEX (monitor_checks_monitor_time_idx)
    WHERE monitor_id = ${id} AND team_id = 1 ORDER BY checked_at DESC, id DESC LIMIT 30)`), sql` UNION ALL `);
  const analyzed = (await sql<{ r_rows: number | null; table: string; type: string }>`ANALYZE ${union}`.execute(db)).rows;
  const readRows = analyzed.reduce((n, r) => n + Number(r.r_rows ?? 0), 0);
  console.log(`ANALYZE of the 100-arm UNION ALL: ${analyzed.filter((r) => r.table === 'monitor_checks').length} arms, types ${[...new Set(analyzed.map((r) => r.type))].join('/')}, ${readRows} rows read in all`);
  const windowed = sql`SELECT monitor_id, status, response_time_ms, checked_at FROM (
      SELECT monitor_id, status, response_time_ms, checked_at, ROW_NUMBER() OVER (PARTITION BY monitor_id ORDER BY checked_at DESC, id DESC) AS n
      FROM monitor_checks WHERE team_id = 1 AND monitor_id IN (${sql.join(ids)})) c WHERE n <= 30`;
  const windowAnalyzed = (await sql<{ r_rows: number | null; table: string }>`ANALYZE ${windowed}`.execute(db)).rows;
  console.log(`ANALYZE of the window-function query: ${windowAnalyzed.map((r) => `${r.table} r_rows=${r.r_rows}`).join(', ')}\n`);

  const endpoint = await time('endpoint: team filter + UNION ALL, 100 monitors', RUNS, () => sparklines(db, 1, ids));
  await time('endpoint: 100 ids of another team (answer empty)', RUNS, () => sparklines(db, 1, foreign));
  const oldWay = await time('old way: 100 checks queries (limit 31), one at a time', Math.max(3, Math.floor(RUNS / 3)), async () => {
    for (const id of ids) {
      await sql`SELECT * FROM monitor_checks FORCE INDEX (monitor_checks_monitor_time_idx) WHERE monitor_id = ${id} AND team_id = 1 ORDER BY checked_at DESC, id DESC LIMIT 31`.execute(db);
    }
  });
  await time('window function over the 100 monitors', 3, () => windowed.execute(db));
  const load = loadavg()[0]!;
  const met = endpoint.p95 < 100;
  console.log(`target (endpoint p95 < 100 ms for 100 monitors): ${met ? 'met' : 'NOT met'}; load average ${load.toFixed(1)}`);
  console.log(
    `BENCH_SUMMARY ${JSON.stringify({
      bench: 'sparklines',
      figure: `100 monitors x ${CHECKS.toLocaleString('en')} checks: p50 ${endpoint.p50.toFixed(1)} ms, p95 ${endpoint.p95.toFixed(1)} ms`,
      baseline: `100 separate checks queries: p50 ${oldWay.p50.toFixed(1)} ms, p95 ${oldWay.p95.toFixed(1)} ms`,
      ratio: `p50 ${(oldWay.p50 / Math.max(0.1, endpoint.p50)).toFixed(1)}x faster`,
      target: 'p95 < 100 ms',
      met,
      load: +load.toFixed(1),
    })}`,
  );
} finally {
  await database.drop();
}
