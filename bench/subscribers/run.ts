/**
 * pnpm bench:subscribers [--subscribers 10000] [--concurrency 50] [--pool 5] [--timeout 180]
 *
 * The notice fan-out (SPEC 10, ADR 0132): one incident event on a page with N confirmed email
 * subscribers, through the real path — subscriber-event job → notice → fan-out batches of 500 →
 * one subscriber_deliveries row and one delivery job each → a pooled SMTP transport — to a local
 * SMTP server in this process that only counts messages. Timed from the enqueue of the event's job
 * to the N-th message accepted by the server. Target: N = 10,000 within 60 s.
 *
 * Baseline, in the same run, before the fan-out: the same number of messages (the same notice
 * email, rendered once) sent straight through nodemailer to the same server over the same kind
 * of pooled transport with the same number of connections and messages in flight — no queue,
 * no database. Prints both, the ratio, then one `BENCH_SUMMARY {json}` line for `pnpm bench`.
 * Bounded: every wait stops at --timeout seconds; 127.0.0.1 only.
 */
import { enqueueSubscriberEvent } from '@sentrypulse/jobs';
import { createTestDatabase } from '@sentrypulse/db/testing';
import { loadConfig } from '@sentrypulse/shared/config';
import { closeWorkerContext, createTeam, createWorkerContext, insertMonitor, noticeEmail, producerFor, subscribersModule } from '@sentrypulse/worker/testing';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';

const workerRequire = createRequire(new URL('../../apps/worker/package.json', import.meta.url));
const pino = workerRequire('pino') as typeof import('pino').default;
const nodemailer = workerRequire('nodemailer') as typeof import('nodemailer');

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '50' },
    pool: { type: 'string', default: '5' },
    timeout: { type: 'string', default: '180' },
  },
});
const N = Number(values.subscribers);
const CONCURRENCY = Number(values.concurrency);
const POOL = Number(values.pool);
const TIMEOUT_MS = Number(values.timeout) * 1000;
const KEY = randomBytes(32).toString('hex');

/** The SMTP sink in a child process; `count` follows its reports. */
async function counterSmtp() {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./smtp-sink.ts', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
  const state = { count: 0, onCount: () => {} };
  let buffer = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`smtp sink exited (${code})`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const [word, value] = line.split(' ');
        if (word === 'listening') resolve(Number(value));
        if (word === 'count') {
          state.count = Math.max(state.count, Number(value));
          state.onCount();
        }
      }
    });
  });
  // Counts arrive every 50 messages; ask for the exact figure twice a second.
  const poll = setInterval(() => child.stdin!.write('?\n'), 500);
  return {
    state,
    url: `smtp://127.0.0.1:${port}`,
    close: async () => {
      clearInterval(poll);
      child.stdin!.end();
      await once(child, 'exit');
    },
  };
}

function until(cond: () => boolean, state: { onCount: () => void }, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (cond()) return resolve();
    const timer = setTimeout(() => reject(new Error(`${label}: not done within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
    state.onCount = () => {
      if (cond()) {
        clearTimeout(timer);
        resolve();
      }
    };
  });
}

async function main() {
  const database = await createTestDatabase('benchsubs');
  const prefix = `spbench:${randomBytes(4).toString('hex')}`;
  const smtp = await counterSmtp();
  const db = database.db;
  const ctx = createWorkerContext(
    loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', ENCRYPTION_KEY: KEY, SMTP_URL: smtp.url, PUBLIC_URL: 'http://localhost:3000' }),
    pino({ level: 'silent' }),
  );
  const jobs = producerFor(ctx);
  let running: { close(): Promise<void> } | null = null;
  try {
    // A page with one component and N confirmed subscribers.
    const teamId = await createTeam(db);
    const monitorId = await insertMonitor(db, teamId, { name: 'api', url: 'https://example.com', status: 'down' });
    const page = await db.insertInto('status_pages').values({ team_id: teamId, slug: 'bench', title: 'Bench status', is_public: true }).executeTakeFirstOrThrow();
    const pageId = Number(page.insertId);
    await db.insertInto('status_page_components').values({ status_page_id: pageId, monitor_id: monitorId, display_name: 'API', position: 0 }).execute();
    for (let i = 0; i < N; i += 2000) {
      await db
        .insertInto('status_page_subscribers')
        .values(
          Array.from({ length: Math.min(2000, N - i) }, (_, k) => ({
            team_id: teamId,
            status_page_id: pageId,
            type: 'email' as const,
            status: 'active' as const,
            address: `reader${i + k}@example.test`,
            address_hash: randomBytes(32).toString('hex'),
            token_nonce: randomBytes(16).toString('base64url'),
            confirmed_at: new Date(),
          })),
        )
        .execute();
    }
    console.log(`bench:subscribers — ${N} confirmed email subscribers, ${CONCURRENCY} deliveries in flight, ${POOL} pooled SMTP connections, ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

    // Baseline: the same message N times straight through nodemailer, same pool and concurrency.
    const sample = noticeEmail(
      'incident.opened',
      { page: { slug: 'bench', title: 'Bench status', logo_url: null, accent_color: null }, title: 'API: outage', status: 'investigating', message: 'We are investigating a problem.', components: ['API'], incident_id: 1, maintenance_id: null, starts_at: null, ends_at: null, occurred_at: new Date().toISOString() },
      { slug: 'bench', title: 'Bench status', logo_url: null, accent_color: null },
      { pageUrl: 'http://localhost:3000/status/bench', manageUrl: 'http://localhost:3000/status/bench/manage?token=1.x', unsubscribeUrl: 'http://localhost:3000/status/bench/unsubscribe?token=1.x' },
    );
    const transport = nodemailer.createTransport({ url: smtp.url, pool: true, maxConnections: POOL, maxMessages: Infinity } as never);
    const b0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < N) {
          const i = next++;
          await transport.sendMail({
            from: 'SentryPulse <alerts@localhost>',
            to: `reader${i}@example.test`,
            subject: sample.subject,
            text: sample.text,
            html: sample.html,
            list: { unsubscribe: { url: 'http://localhost:3000/status/bench/unsubscribe?token=1.x', comment: 'Unsubscribe' } },
            headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
          });
        }
      }),
    );
    const baselineMs = performance.now() - b0;
    transport.close();
    console.log(`baseline (nodemailer direct): ${N} messages in ${(baselineMs / 1000).toFixed(2)} s (${Math.round(N / (baselineMs / 1000))}/s)`);

    // The real path.
    const countBefore = smtp.state.count;
    running = await subscribersModule({ concurrency: CONCURRENCY, smtpPool: POOL, sweepEveryMs: 0 }).start(ctx);
    const inc = await db.insertInto('incidents').values({ team_id: teamId, monitor_id: monitorId, kind: 'auto', title: 'internal name down', severity: 'critical', started_at: new Date() }).executeTakeFirstOrThrow();
    const ev = await db.insertInto('incident_events').values({ team_id: teamId, incident_id: Number(inc.insertId), monitor_id: monitorId, type: 'incident.opened' }).executeTakeFirstOrThrow();
    const t0 = performance.now();
    let firstAt = 0;
    const done = until(
      () => {
        if (!firstAt && smtp.state.count > countBefore) firstAt = performance.now();
        return smtp.state.count - countBefore >= N;
      },
      smtp.state,
      'fan-out',
    );
    await enqueueSubscriberEvent(jobs, Number(ev.insertId));
    await done;
    const fanoutMs = performance.now() - t0;
    // Let stray duplicates show up (there must be none), then read the log.
    await new Promise((r) => setTimeout(r, 1_000));
    const sent = await db.selectFrom('subscriber_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'sent').executeTakeFirstOrThrow();
    const delivered = smtp.state.count - countBefore;
    const ratio = fanoutMs / baselineMs;
    console.log(`fan-out (event → notice → batches → deliveries → SMTP): ${delivered} messages in ${(fanoutMs / 1000).toFixed(2)} s (${Math.round(N / (fanoutMs / 1000))}/s), first after ${((firstAt - t0) / 1000).toFixed(2)} s; ${sent.n} rows sent; duplicates ${delivered - N}`);
    console.log(`ratio (fan-out / baseline): ${ratio.toFixed(2)}x; target: ${N} within 60 s → ${fanoutMs <= 60_000 ? 'met' : 'NOT met'}`);
    console.log(
      `BENCH_SUMMARY ${JSON.stringify({
        bench: 'subscribers',
        figure: `${N} email notices in ${(fanoutMs / 1000).toFixed(1)} s`,
        baseline: `nodemailer direct: ${(baselineMs / 1000).toFixed(1)} s`,
        ratio: `${ratio.toFixed(2)}x`,
        target: `${N} within 60 s`,
        met: fanoutMs <= 60_000 && delivered === N && Number(sent.n) === N,
        load: loadavg()[0],
      })}`,
    );
  } finally {
    await running?.close().catch(() => undefined);
    await jobs.close();
    await closeWorkerContext(ctx);
    await smtp.close();
    const { Redis } = workerRequire('ioredis') as typeof import('ioredis');
    const redis = new Redis('redis://127.0.0.1:6379');
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = nextCursor;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
    redis.disconnect();
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
