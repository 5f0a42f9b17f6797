/**
 * The same-run baseline of `pnpm bench:monitors`, in its own process so its CPU is measured alone
 * (like the worker's): the same N monitors on a minimal in-process scheduler — one timer per
 * monitor at the same slots as the BullMQ job schedulers (same interval, same `scheduleOffset`),
 * each slot one undici GET on a fresh connection to the same local target (as a check opens its
 * own connection). No BullMQ, no Redis, no MySQL, no result handling: the floor any scheduler
 * that runs these checks in one Node process can reach on this machine.
 *
 * Started by bench/monitors/run.ts with an IPC channel: says 'ready', receives
 * { ids, intervalMs, url, warmMs, windowMs }, answers with its figures, exits. Slots due in
 * [start + warmMs, start + warmMs + windowMs) are measured; the ones before warm it up.
 */
import { createRequire } from 'node:module';
import { scheduleOffset } from '@sentrypulse/jobs';

const require = createRequire(new URL('../../apps/worker/package.json', import.meta.url));
const { Client } = require('undici') as typeof import('undici');

interface Job {
  ids: number[];
  intervalMs: number;
  url: string;
  warmMs: number;
  windowMs: number;
}

export interface BaselineResult {
  slots_expected: number;
  checks_started: number;
  missed_slots: number;
  failed_requests: number;
  lateness_median_ms: number;
  lateness_p99_ms: number;
  lateness_max_ms: number;
  cpu_ms: number;
  cpu_ms_per_check: number;
  cpu_pct_of_one_core: number;
  measured_s: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))]!;
}

async function check(url: URL): Promise<boolean> {
  const client = new Client(url.origin);
  try {
    const res = await client.request({ path: url.pathname, method: 'GET', headersTimeout: 5000, bodyTimeout: 5000 });
    await res.body.text();
    return res.statusCode >= 200 && res.statusCode < 300;
  } catch {
    return false;
  } finally {
    client.destroy().catch(() => undefined);
  }
}

async function run(job: Job): Promise<BaselineResult> {
  const target = new URL(job.url);
  const every = job.intervalMs;
  const start = Date.now();
  const ws = start + job.warmMs;
  const we = ws + job.windowMs;
  const lateness: number[] = [];
  let failed = 0;
  let inFlight = 0;
  let expected = 0;
  let cpu0: NodeJS.CpuUsage | null = null;
  let cpu1: NodeJS.CpuUsage | null = null;
  const timers = new Set<NodeJS.Timeout>();

  const scheduleNext = (offset: number, after: number) => {
    const slot = Math.floor((after - offset) / every) * every + offset + every; // first slot > after
    if (slot >= we) return;
    const t = setTimeout(() => {
      timers.delete(t);
      const startedAt = Date.now();
      if (slot >= ws) lateness.push(startedAt - slot);
      inFlight += 1;
      void check(target).then((ok) => {
        inFlight -= 1;
        if (!ok && slot >= ws) failed += 1;
      });
      scheduleNext(offset, slot);
    }, slot - Date.now());
    timers.add(t);
  };
  for (const id of job.ids) {
    const offset = scheduleOffset(id, every);
    scheduleNext(offset, start);
    const first = Math.ceil((ws - offset) / every) * every + offset;
    for (let s = first; s < we; s += every) expected += 1;
  }
  // CPU is measured over the window, like the worker's (utime + stime of the whole process).
  await new Promise((r) => setTimeout(r, ws - Date.now()));
  cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, we - Date.now()));
  cpu1 = process.cpuUsage(cpu0);
  const measuredMs = Date.now() - ws;
  const until = Date.now() + 10_000;
  while (inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  for (const t of timers) clearTimeout(t);
  lateness.sort((a, b) => a - b);
  const cpuMs = (cpu1.user + cpu1.system) / 1000;
  return {
    slots_expected: expected,
    checks_started: lateness.length,
    missed_slots: Math.max(0, expected - lateness.length),
    failed_requests: failed,
    lateness_median_ms: quantile(lateness, 0.5),
    lateness_p99_ms: quantile(lateness, 0.99),
    lateness_max_ms: lateness[lateness.length - 1] ?? NaN,
    cpu_ms: Math.round(cpuMs),
    cpu_ms_per_check: lateness.length ? +(cpuMs / lateness.length).toFixed(3) : NaN,
    cpu_pct_of_one_core: +((cpuMs / measuredMs) * 100).toFixed(1),
    measured_s: +(measuredMs / 1000).toFixed(1),
  };
}

process.once('message', (job: Job) => {
  void run(job).then(
    (result) => process.send!(result, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
process.on('disconnect', () => process.exit(0));
process.send!('ready');
