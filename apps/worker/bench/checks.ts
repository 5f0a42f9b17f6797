/**
 * `pnpm bench:checks`: how many HTTP checks per second one process runs against a local target at
 * concurrency 200, and the CPU each check costs in the checking process. The target runs in a
 * child process so its CPU is not counted. Bounded by count (defaults: 4000 http, 800 https).
 *
 *   pnpm bench:checks [--checks=4000] [--https-checks=800] [--concurrency=200]
 *
 * Baseline measured in the same run: a bare undici request on a fresh connection per request
 * (new Client, no guard, no phase timing, no body handling) - the floor of what any HTTP check
 * that opens its own connection can cost. The ratio shows what the guard, the measuring
 * connector and the result evaluation add. Both sides (and the https checks) are warmed with 500
 * (100 https) unmeasured runs of their own code at the same concurrency first. Ends with one `BENCH_SUMMARY {json}` line for `pnpm bench`.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Client } from 'undici';
import { runCheck } from '../src/checks';
import { createPki } from '../src/checks/testing';

const arg = (name: string, def: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def);
const CHECKS = arg('checks', 4000);
const HTTPS_CHECKS = arg('https-checks', 800);
const CONCURRENCY = arg('concurrency', 200);

const TARGET = `
const http = require('node:http'), https = require('node:https');
const body = 'status: all systems OK '.repeat(20);
const handler = (req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(body); };
const a = http.createServer(handler).listen(0, '127.0.0.1', () => {
  const b = https.createServer({ key: process.env.KEY, cert: process.env.CERT }, handler).listen(0, '127.0.0.1', () => {
    process.send({ http: a.address().port, https: b.address().port });
  });
});
process.on('disconnect', () => process.exit(0));
`;

async function pool(total: number, concurrency: number, one: () => Promise<boolean>) {
  let next = 0;
  let ok = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        next += 1;
        if (await one()) ok += 1;
      }
    }),
  );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { total, ok, wallMs, perSec: total / (wallMs / 1000), cpuMsPerCheck: cpuMs / total, cpuShare: cpuMs / wallMs };
}

function pct(values: number[], p: number) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

const pki = createPki();
const cert = pki.leaf(90);
const child = spawn(process.execPath, ['-e', TARGET], { env: { ...process.env, KEY: cert.key, CERT: cert.cert }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const ports = await new Promise<{ http: number; https: number }>((resolve) => child.once('message', (m) => resolve(m as never)));

try {
  const httpUrl = `http://127.0.0.1:${ports.http}/health`;
  const httpsUrl = `https://localhost:${ports.https}/health`;
  const opts = { allowPrivate: true, ca: pki.caCert };

  const bareRequest = async () => {
    const u = new URL(httpUrl);
    const client = new Client(u.origin);
    try {
      const res = await client.request({ path: u.pathname, method: 'GET' });
      await res.body.text();
      return res.statusCode === 200;
    } finally {
      client.destroy().catch(() => undefined);
    }
  };
  const httpCheck = () => runCheck({ type: 'http', url: httpUrl, timeout_ms: 5000, keyword: 'OK', degraded_threshold_ms: 2000 }, opts);
  const httpsCheck = () => runCheck({ type: 'http', url: httpsUrl, timeout_ms: 5000, keyword: 'OK', ssl_expiry_days: 14 }, opts);

  // Warm-up, not measured: each side runs its own code path the same number of times at the same
  // concurrency (JIT, undici's pools, the TLS context), so neither is measured cold.
  const WARM = Math.min(CHECKS, 500);
  await pool(WARM, CONCURRENCY, bareRequest);
  await pool(WARM, CONCURRENCY, async () => (await httpCheck()).status !== 'down');
  await pool(Math.min(HTTPS_CHECKS, 100), CONCURRENCY, async () => (await httpsCheck()).status !== 'down');

  const baseline = await pool(CHECKS, CONCURRENCY, bareRequest);

  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  const times: number[] = [];
  const checks = await pool(CHECKS, CONCURRENCY, async () => {
    const r = await httpCheck();
    if (r.response_time_ms !== null) times.push(r.response_time_ms);
    return r.status !== 'down';
  });
  eld.disable();

  const tlsTimes: number[] = [];
  const tls = await pool(HTTPS_CHECKS, CONCURRENCY, async () => {
    const r = await httpsCheck();
    if (r.response_time_ms !== null) tlsTimes.push(r.response_time_ms);
    return r.status !== 'down';
  });

  const row = (name: string, r: Awaited<ReturnType<typeof pool>>, t?: number[]) =>
    `${name.padEnd(34)} ${String(r.ok).padStart(5)}/${String(r.total).padEnd(5)} ${r.perSec.toFixed(0).padStart(6)}/s   cpu ${(r.cpuMsPerCheck * 1000).toFixed(0).padStart(5)} µs/check  (${(r.cpuShare * 100).toFixed(0)}% of a core)${t ? `   response p50 ${pct(t, 50)} ms p99 ${pct(t, 99)} ms` : ''}`;
  console.log(`checks bench: concurrency ${CONCURRENCY}, target in a child process on 127.0.0.1, Node ${process.version}`);
  console.log(row('baseline: bare undici, fresh conn', baseline));
  console.log(row('runCheck http (guard+phases+keyword)', checks, times));
  console.log(row('runCheck https (fresh TLS each)', tls, tlsTimes));
  console.log(`event-loop delay during http checks: p50 ${(eld.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(eld.percentile(99) / 1e6).toFixed(1)} ms, max ${(eld.max / 1e6).toFixed(1)} ms`);
  console.log(`ratio runCheck http / baseline: throughput ${(checks.perSec / baseline.perSec).toFixed(2)}x, cpu per check ${(checks.cpuMsPerCheck / baseline.cpuMsPerCheck).toFixed(2)}x`);
  console.log(`capacity from CPU alone (one core): http ~${Math.floor(1000 / checks.cpuMsPerCheck)} checks/s, https ~${Math.floor(1000 / tls.cpuMsPerCheck)} checks/s (target: 667/s)`);
  const capacity = Math.floor(1000 / checks.cpuMsPerCheck);
  console.log(
    `BENCH_SUMMARY ${JSON.stringify({
      bench: 'checks',
      figure: `runCheck http ${(checks.cpuMsPerCheck * 1000).toFixed(0)} µs CPU/check (~${capacity}/s on one core), https ${(tls.cpuMsPerCheck * 1000).toFixed(0)} µs`,
      baseline: `bare undici ${(baseline.cpuMsPerCheck * 1000).toFixed(0)} µs CPU/check`,
      ratio: `CPU/check ${(checks.cpuMsPerCheck / baseline.cpuMsPerCheck).toFixed(2)}x, throughput ${(checks.perSec / baseline.perSec).toFixed(2)}x`,
      target: 'http capacity from CPU >= 667 checks/s, every check ok',
      met: capacity >= 667 && checks.ok === checks.total && tls.ok === tls.total,
      load: +loadavg()[0]!.toFixed(1),
    })}`,
  );
  if (checks.ok !== checks.total || tls.ok !== tls.total) {
    console.error('some checks failed: the figures above are not trustworthy');
    process.exitCode = 1;
  }
} finally {
  child.kill();
  pki.cleanup();
}
