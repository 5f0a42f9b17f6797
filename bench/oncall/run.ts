/**
 * pnpm bench:oncall [--incidents 200] [--delay 3]
 *
 * Two figures of SPEC 11 over N monitors that each follow an escalation policy (step 1: a Slack
 * channel at once; step 2: a second Slack-shaped channel after --delay seconds):
 * 1. From the confirming check (the check result that opens the incident exists) to its Slack
 *    message arriving at a local Slack-shaped receiver, N incidents at once. The result goes
 *    through the real monitoring engine in this process and a real notify worker process
 *    (fan-out → alerts_sent → delivery → Slack webhook). Target: p99 < 2 s. Baseline in the same
 *    run, right before: the same Slack POST (the worker's Slack provider, same body) sent directly
 *    from this process N at once: no queue, no database, no worker.
 * 2. Escalation timing: step 2's arrival minus (the incident's escalation start + delay), over the
 *    same N policies. Target: median and p99 within 1 s.
 * Ends with one `BENCH_SUMMARY {json}` line for `pnpm bench`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { createTestDatabase } from '@sentrypulse/db/testing';
import { loadConfig } from '@sentrypulse/shared/config';
import { type AlertContent, closeWorkerContext, createCheckEngine, createTeam, createWorkerContext, insertChannel, insertMonitor, producerFor, slackProvider, startProviderFake, TEST_ENCRYPTION_KEY } from '@sentrypulse/worker/testing';

const workerRequire = createRequire(new URL('../../apps/worker/package.json', import.meta.url));
const pino = workerRequire('pino') as typeof import('pino').default;

const { values } = parseArgs({ options: { incidents: { type: 'string', default: '200' }, delay: { type: 'string', default: '3' } } });
const N = Number(values.incidents);
const DELAY_S = Number(values.delay);
const workerDir = fileURLToPath(new URL('../../apps/worker', import.meta.url));
const now = () => performance.timeOrigin + performance.now();

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, median: pct(s, 50), p95: pct(s, 95), p99: pct(s, 99), max: s.at(-1)! };
}
const f = (v: number) => `${v.toFixed(Math.abs(v) < 10 ? 1 : 0)} ms`;
const line = (label: string, r: ReturnType<typeof stats>) => console.log(`${label.padEnd(46)} n=${r.n}  median ${f(r.median)}  p95 ${f(r.p95)}  p99 ${f(r.p99)}  max ${f(r.max)}`);

/** The monitor id a Slack body is about (its "Open" button links to /monitors/<id>); -id for baseline bodies. */
function monitorOf(body: string): number | null {
  const m = /\/monitors\/(\d+)"/.exec(body);
  return m ? Number(m[1]) : null;
}

async function waitUntil(cond: () => boolean, timeoutMs: number, what: string) {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function main() {
  const database = await createTestDatabase('benchoncall');
  const prefix = `spbench:${randomBytes(4).toString('hex')}`;
  const slack = await startProviderFake('slack');
  const pager = await startProviderFake('slack');
  const arrivals = new Map<number, number>();
  const step2 = new Map<number, number>();
  slack.onRequest = (req) => {
    const id = monitorOf(req.body);
    if (id !== null && !arrivals.has(id)) arrivals.set(id, now());
  };
  pager.onRequest = (req) => {
    const id = monitorOf(req.body);
    if (id !== null && !step2.has(id)) step2.set(id, now());
  };
  const ctx = createWorkerContext(loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' }));
  let child: ChildProcess | undefined;
  const closers: Array<() => Promise<void>> = [];
  try {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/notify/testing-worker.ts'], {
      cwd: workerDir,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', JWT_SECRET: randomBytes(24).toString('hex'), DATABASE_URL: database.url, REDIS_PREFIX: prefix, OUTBOUND_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'silent', ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, NOTIFY_TEST_LOCK_MS: '30000' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child!.once('exit', (code) => reject(new Error(`worker exited (${code})`)));
    });

    const teamId = await createTeam(database.db);
    const a = await insertChannel(database.db, teamId, 'slack', { webhook_url: `${slack.url}/services/T/B/ops` });
    const b = await insertChannel(database.db, teamId, 'slack', { webhook_url: `${pager.url}/services/T/B/pager` });
    const policy = await database.db
      .insertInto('escalation_policies')
      .values({ team_id: teamId, name: 'bench', steps: JSON.stringify([{ delay_seconds: DELAY_S, channel_ids: [a] }, { delay_seconds: 3600, channel_ids: [b] }]) })
      .executeTakeFirstOrThrow();
    const monitors: number[] = [];
    for (let i = 0; i <= N; i++) {
      monitors.push(await insertMonitor(database.db, teamId, { name: `svc-${i}`, url: `https://svc-${i}.example.com/`, status: 'up', confirmations: 1, escalation_policy_id: Number(policy.insertId) }));
    }

    const checkDoneAt = new Map<string, number>();
    const jobs = producerFor(ctx);
    const engine = createCheckEngine({
      db: database.db,
      jobs,
      log: pino({ level: 'silent' }),
      runOptions: { allowPrivate: true },
      runCheck: async (target) => {
        checkDoneAt.set((target as { url: string }).url, now());
        return { status: 'down', status_code: 503, response_time_ms: 1, timings: { dns: null, connect: null, tls: null, ttfb: null }, error: 'expected status 200-299, got 503', cert_expires_at: null, cert_days_left: null };
      },
    });
    closers.push(async () => {
      await engine.close();
      await jobs.close();
    });
    const confirm = (i: number) => engine.process({ monitor_id: monitors[i]! }, { id: `bench-${monitors[i]}`, timestamp: Date.now(), delay: 0 });

    // Warm-up: one incident end to end (connections, prepared paths), and its Slack body as the baseline's template.
    await confirm(0);
    await waitUntil(() => arrivals.has(monitors[0]!), 20_000, 'the warm-up message');
    const template = JSON.parse(slack.requests[0]!.body) as Record<string, unknown>;

    // Baseline: the worker's Slack provider, called directly, N at once, same body.
    const provider = slackProvider({ smtpUrl: undefined, mailFrom: 'bench@example.test', telegramApiBase: '', whatsappApiBase: '', allowPrivate: true, timeoutMs: 15_000 });
    const channel = { id: a, teamId, type: 'slack' as const, name: 'ops', config: {}, secrets: { webhook_url: `${slack.url}/services/T/B/baseline` } };
    const baseLat = await Promise.all(
      Array.from({ length: N }, async () => {
        const t0 = now();
        // slackBody(content) is what the provider sends; a content whose render equals the template is not needed: the provider's cost is the POST.
        const content = { headline: String(template.text), lines: [], ackUrl: null, link: 'https://x', eventType: 'test', severity: null, webhook: { data: { incident: null } } } as unknown as AlertContent;
        const out = await provider.send({ channel, content, idempotencyKey: 'baseline' });
        if (out.kind !== 'delivered') throw new Error(`baseline POST not delivered: ${JSON.stringify(out)}`);
        return now() - t0;
      }),
    );

    console.log(`bench:oncall — confirming check → engine → escalation policy step 1 → Slack-shaped receiver, then step 2 after ${DELAY_S} s; 1 notify worker process, ${N} incidents at once`);
    console.log(`machine: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} before the run\n`);
    const base = stats(baseLat);
    line(`baseline burst (${N} at once), direct Slack POST`, base);

    const started = Date.now();
    await Promise.all(Array.from({ length: N }, (_, i) => confirm(i + 1)));
    const measured = monitors.slice(1);
    await waitUntil(() => measured.every((m) => arrivals.has(m)), 60_000, 'step 1 messages');
    const step1 = stats(measured.map((m, i) => arrivals.get(m)! - checkDoneAt.get(`https://svc-${i + 1}.example.com/`)!));
    line(`burst (${N} at once), via engine + worker`, step1);
    const ratio = { median: step1.median / Math.max(1, base.median), p99: step1.p99 / Math.max(1, base.p99) };
    console.log(`  ratio worker / baseline: median ${ratio.median.toFixed(1)}x, p99 ${ratio.p99.toFixed(1)}x; p99 < 2 s: ${step1.p99 < 2000 ? 'yes' : 'NO'}  (all confirmed after ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);

    await waitUntil(() => measured.every((m) => step2.has(m)), DELAY_S * 1000 + 60_000, 'step 2 messages');
    const escalations = await database.db.selectFrom('incident_escalations as e').innerJoin('incidents as i', 'i.id', 'e.incident_id').select(['i.monitor_id', 'e.started_at']).where('e.team_id', '=', teamId).execute();
    const dueAt = new Map(escalations.map((e) => [e.monitor_id!, e.started_at.getTime() + DELAY_S * 1000]));
    const lateness = stats(measured.map((m) => step2.get(m)! - dueAt.get(m)!));
    line(`step 2 arrival − (escalation start + ${DELAY_S} s)`, lateness);
    const stepMet = Math.abs(lateness.median) < 1000 && Math.abs(lateness.p99) < 1000;
    console.log(`  step 2 within 1 s of its delay (median and p99): ${stepMet ? 'yes' : 'NO'}`);
    const dupes = pager.requests.length - step2.size;
    console.log(`step 2 messages ${pager.requests.length} for ${step2.size} incidents (duplicates ${dupes})`);
    const load = loadavg()[0]!;
    const met = step1.p99 < 2000 && stepMet && dupes === 0;
    console.log(`targets: ${met ? 'met' : 'NOT met'} (load average ${load.toFixed(1)} after the run${load > 2 ? '; the machine was shared, so these are not the capability\'s limit' : ''})`);
    console.log(
      `BENCH_SUMMARY ${JSON.stringify({
        bench: 'oncall',
        figure: `burst of ${N} to Slack: median ${f(step1.median)}, p99 ${f(step1.p99)}; step 2 lateness median ${f(lateness.median)}, p99 ${f(lateness.p99)}`,
        baseline: `direct Slack POST, ${N} at once: median ${f(base.median)}, p99 ${f(base.p99)}`,
        ratio: `median ${ratio.median.toFixed(1)}x, p99 ${ratio.p99.toFixed(1)}x`,
        target: 'p99 < 2 s to Slack; step 2 within 1 s of its delay (median and p99)',
        met,
        load: +load.toFixed(1),
      })}`,
    );
  } finally {
    for (const close of closers) await close();
    if (child && child.exitCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await closeWorkerContext(ctx);
    await slack.close();
    await pager.close();
    await database.drop();
    const { deleteRedisPrefix } = await import('@sentrypulse/api/testing');
    await deleteRedisPrefix('redis://127.0.0.1:6379', prefix);
  }
}

await main();
