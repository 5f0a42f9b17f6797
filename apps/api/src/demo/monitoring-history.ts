import type { BackfillCheck, BackfillDaily, BackfillIncident, BackfillMonitorState } from '@sentrypulse/db';
import {
  applyCheck,
  INITIAL_STATE,
  uptimeFigures,
  utcDateOf,
  utcDay,
  type CheckStatus,
  type CreateMonitorBody,
  type Interval,
  type RuntimeState,
} from '@sentrypulse/shared';
import type { Config } from '@sentrypulse/shared/config';
import { createRandom, type Random } from './random';

/**
 * The demo's monitors and 90 days of their history, as pure functions of the configuration and
 * `now`: checks (the last 7 days), daily rollups, outages, incidents and maintenance windows. The
 * check stream is run through the engine's own state machine (`applyCheck`), so outages and
 * incidents follow the product's rules by construction (ADR 0012): downtime runs from the first
 * failing check of a confirmed streak to the first successful check, maintenance is left out.
 */

export const HISTORY_DAYS = 90;
/** Raw checks are written for this many whole UTC days before today (the 24 h / 7 d charts). */
export const RAW_CHECK_DAYS = 7;
const DAY = 86_400_000;
const MINUTE = 60_000;

export type DemoMonitorKey = 'api' | 'dashboard' | 'database' | 'cache' | 'backup';

export interface DemoMonitor {
  key: DemoMonitorKey;
  body: CreateMonitorBody;
  /** Typical response time (median, ms) and how widely it varies; null for heartbeats. */
  latency: { median: number; spread: number; timings: boolean } | null;
}

function hostPort(url: string, defaultPort: number): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: u.port ? Number(u.port) : defaultPort };
}

/** The processes `pnpm start` runs on this machine, so every demo monitor really checks something. */
export function demoMonitors(config: Pick<Config, 'apiHost' | 'apiPort' | 'webPort' | 'databaseUrl' | 'redisUrl'>): DemoMonitor[] {
  const apiHost = config.apiHost === '0.0.0.0' || config.apiHost === '::' || config.apiHost === '' ? '127.0.0.1' : config.apiHost;
  const apiOrigin = `http://${apiHost.includes(':') ? `[${apiHost}]` : apiHost}:${config.apiPort}`;
  const mysql = hostPort(config.databaseUrl, 3306);
  const redis = hostPort(config.redisUrl, 6379);
  return [
    {
      key: 'api',
      body: {
        type: 'http',
        name: 'API health',
        url: `${apiOrigin}/api/health`,
        json_path: '$.status',
        json_expected: 'ok',
        interval_seconds: 60,
        timeout_ms: 5_000,
        confirmations: 2,
      },
      latency: { median: 3, spread: 0.35, timings: true },
    },
    {
      key: 'dashboard',
      body: {
        type: 'http',
        name: 'Dashboard login page',
        url: `http://127.0.0.1:${config.webPort}/login`,
        keyword: 'SentryPulse',
        degraded_threshold_ms: 800,
        interval_seconds: 60,
        timeout_ms: 10_000,
        confirmations: 2,
      },
      latency: { median: 14, spread: 0.4, timings: true },
    },
    {
      key: 'database',
      body: { type: 'tcp', name: 'MariaDB', host: mysql.host, port: mysql.port, interval_seconds: 60, confirmations: 2 },
      latency: { median: 1, spread: 0.5, timings: false },
    },
    {
      key: 'cache',
      body: { type: 'tcp', name: 'Redis', host: redis.host, port: redis.port, interval_seconds: 60, confirmations: 2 },
      latency: { median: 1, spread: 0.5, timings: false },
    },
    {
      key: 'backup',
      body: { type: 'heartbeat', name: 'Nightly backup', interval_seconds: 86_400, heartbeat_grace_seconds: 6 * 3_600, severity: 'major' },
      latency: null,
    },
  ];
}

/** A day relative to today (UTC) and a time of day: `at(now, -3, '14:21')`. */
export function at(now: number, dayOffset: number, time: string): number {
  const [h, m, s] = time.split(':').map(Number) as [number, number, number?];
  return utcDay(utcDateOf(now)).start + dayOffset * DAY + ((h * 60 + m) * 60 + (s ?? 0)) * 1000;
}

interface HumanUpdate {
  afterMs: number;
  status: 'identified' | 'monitoring';
  message: string;
}

/** What happened in the last 90 days (times in UTC). */
export const STORY = {
  outages: [
    {
      key: 'database' as DemoMonitorKey,
      day: -34,
      time: '03:12:00',
      failures: 3,
      error: 'connection refused',
      updates: [
        {
          afterMs: 150_000,
          status: 'identified',
          message: 'MariaDB was stopped by the out-of-memory killer during the nightly backup and is restarting. No data was lost.',
        },
      ] as HumanUpdate[],
      acknowledgedAfterMs: 100_000,
      postmortem: null as string | null,
    },
    {
      key: 'api' as DemoMonitorKey,
      day: -3,
      time: '14:21:00',
      failures: 5,
      error: 'connection refused',
      updates: [
        {
          afterMs: 170_000,
          status: 'identified',
          message: 'The 14:20 release started the API with an invalid database setting and it exited at boot. Rolling back.',
        },
      ] as HumanUpdate[],
      acknowledgedAfterMs: 80_000,
      postmortem: [
        '**What happened.** The release at 14:20 UTC renamed a database setting. The new API processes refused to start, and',
        'the old ones had already stopped, so the API and the dashboard that relies on it were unavailable for about five minutes.',
        '',
        '**Why it was not caught.** The staging environment still had the old setting name, so the release worked there.',
        '',
        '**What we changed.**',
        '',
        '- The API now checks its configuration before the old processes are stopped.',
        '- Staging is rebuilt from the production configuration template on every release.',
      ].join('\n'),
    },
  ],
  /** The dashboard was slow (degraded checks) and someone opened a manual incident about it. */
  slowDashboard: {
    day: -58,
    time: '09:40:00',
    minutes: 45,
    title: 'Slow dashboard page loads',
    updates: [
      { afterMs: 12 * MINUTE, status: 'investigating', message: 'Dashboard pages are loading slowly. We are looking into it.' },
      { afterMs: 25 * MINUTE, status: 'identified', message: 'A very large CSV export was saturating the database. We stopped it and are adding a limit to exports.' },
      { afterMs: 47 * MINUTE, status: 'resolved', message: 'Page loads are back to normal.' },
    ] as Array<{ afterMs: number; status: 'investigating' | 'identified' | 'monitoring' | 'resolved'; message: string }>,
  },
  /** The backup pings at about 02:05 every night; that night it pinged hours late. */
  lateBackup: { day: -19, pingTime: '09:41:27', explanation: 'The backup waited for a long-running schema migration to finish; it completed at 09:41.' },
  maintenance: [
    {
      title: 'Database security updates',
      description: 'Operating system security updates on the database server. Short interruptions are possible.',
      day: -21,
      time: '03:00:00',
      minutes: 30,
      keys: ['database'] as DemoMonitorKey[],
      /** The database restarted inside the window: failing checks that are not downtime. */
      failures: { time: '03:06:00', count: 2 },
    },
    {
      title: 'Database upgrade to MariaDB 11.4',
      description: 'We are upgrading the database to **MariaDB 11.4**. The dashboard may be read-only for a few minutes; monitoring and alerts keep running.',
      day: 3,
      time: '02:00:00',
      minutes: 30,
      keys: ['database', 'cache'] as DemoMonitorKey[],
      failures: null,
    },
  ],
};

export interface GeneratedMonitor {
  key: DemoMonitorKey;
  createdAt: Date;
  checks: BackfillCheck[];
  daily: BackfillDaily[];
  outages: Interval[];
  state: BackfillMonitorState;
}

export interface DemoUpdate {
  status: BackfillIncident['updates'][number]['status'];
  message: string;
  /** Written by a person (the demo user) rather than the engine. */
  byUser: boolean;
  created_at: Date;
}

export type DemoIncident = Omit<BackfillIncident, 'teamId' | 'monitor_id' | 'monitor_ids' | 'outages' | 'created_by' | 'acknowledged_by' | 'updates'> & {
  monitorKey: DemoMonitorKey;
  outages: Interval[];
  updates: DemoUpdate[];
  /** Opened by the demo user (manual) rather than the engine. */
  byUser: boolean;
  /** Acknowledged by the demo user at `acknowledged_at`. */
  acknowledged: boolean;
};

export interface DemoMaintenance {
  title: string;
  description: string;
  starts_at: Date;
  ends_at: Date;
  keys: DemoMonitorKey[];
}

export interface MonitoringHistory {
  monitors: GeneratedMonitor[];
  incidents: DemoIncident[];
  maintenance: DemoMaintenance[];
}

export interface HistoryInput {
  now: number;
  monitors: Array<{ key: DemoMonitorKey; name: string; body: CreateMonitorBody; latency: DemoMonitor['latency']; offsetMs: number }>;
}

/** When the demo monitors were "created": 90 days and a few hours ago. */
export function demoCreatedAt(now: number): number {
  return at(now, -HISTORY_DAYS, '10:17:00');
}

function hash(s: string): number {
  let h = 2166136261;
  for (const c of s) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h;
}

/** Response time of a healthy check: log-normal around the median, a bit slower in busy hours, rare spikes. */
function healthyLatency(rng: Random, l: NonNullable<DemoMonitor['latency']>, t: number, dayFactor: number): number {
  const hour = Math.floor((t % DAY) / 3_600_000);
  const busy = hour >= 8 && hour < 18 ? 1.15 : 1;
  let v = l.median * dayFactor * busy * Math.exp(rng.normal(0, l.spread));
  if (rng.chance(0.004)) v *= rng.int(4, 12);
  return Math.max(0, Math.round(v));
}

interface Slot {
  scheduled: number;
  /** When the check ran (a few ms after its slot); set when the stream is applied. */
  checked?: number;
  status: CheckStatus;
  statusCode: number | null;
  rt: number | null;
  error: string | null;
}

/** Timing phases as the runners record them for a local target: no DNS (an IP), no TLS. */
function toCheck(s: Slot, latency: DemoMonitor['latency']): BackfillCheck {
  const timings = latency === null || s.rt === null ? {} : latency.timings ? { connect_ms: s.rt > 3 ? 1 : 0, ttfb_ms: Math.max(0, s.rt - 1) } : { connect_ms: s.rt };
  return { status: s.status, status_code: s.statusCode, response_time_ms: s.rt, error: s.error, scheduled_at: new Date(s.scheduled), checked_at: new Date(s.checked!), ...timings };
}

function inAny(windows: Interval[], t: number): boolean {
  return windows.some((w) => t >= w.start && t < w.end);
}

function percentile95(sorted: number[]): number | null {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]! : null;
}

export function generateMonitoringHistory(input: HistoryInput): MonitoringHistory {
  const { now } = input;
  const createdAt = demoCreatedAt(now);
  const rawFrom = at(now, -RAW_CHECK_DAYS, '00:00:00');
  const maintenance: DemoMaintenance[] = STORY.maintenance.map((m) => {
    const start = at(now, m.day, m.time);
    return { title: m.title, description: m.description, starts_at: new Date(start), ends_at: new Date(start + m.minutes * MINUTE), keys: m.keys };
  });
  const incidents: DemoIncident[] = [];
  const monitors: GeneratedMonitor[] = [];

  for (const mon of input.monitors) {
    const rng = createRandom(hash(`demo-monitor:${mon.key}`));
    const windows = maintenance.filter((m) => m.keys.includes(mon.key)).map((m) => ({ start: m.starts_at.getTime(), end: m.ends_at.getTime() }));
    const slots = mon.body.type === 'heartbeat' ? heartbeatSlots(mon, createdAt, now) : probeSlots(mon, createdAt, now, rng);
    const days = new DayCounts(createdAt, now);

    // Run the stream through the engine's state machine.
    const rules = { confirmations: mon.body.confirmations ?? 1, recoveryConfirmations: mon.body.recovery_confirmations ?? 1 };
    let state: RuntimeState = { ...INITIAL_STATE };
    let statusChangedAt = createdAt;
    const outages: Interval[] = [];
    const checks: BackfillCheck[] = [];
    let open: DemoIncident | null = null;
    let last: Slot | null = null;
    let successes = 0;
    for (const s of slots) {
      const checked = s.scheduled + rng.int(2, 40);
      s.checked = checked;
      days.add(s);
      successes = s.status === 'down' ? 0 : successes + 1;
      const maint = inAny(windows, checked);
      // An up check of a monitor that is plainly up changes nothing but counters: most of 90 days
      // of checks skip the state machine (the seed stays fast); every other check goes through it.
      if (s.status === 'up' && state.status === 'up' && state.consecutiveFailures === 0 && !state.incidentOpen && !state.outageOpen && !maint) {
        if (checked >= rawFrom) checks.push(toCheck(s, mon.latency));
        last = s;
        continue;
      }
      const t = applyCheck(state, s.status, checked, rules, maint);
      if (t.state.status !== state.status) statusChangedAt = checked;
      state = t.state;
      for (const a of t.actions) {
        if (a.type === 'open_incident') {
          open = {
            monitorKey: mon.key,
            kind: 'auto',
            title: `${mon.name} is down`,
            severity: mon.body.severity ?? 'critical',
            started_at: new Date(a.startedAt),
            resolved_at: new Date(0),
            postmortem: null,
            byUser: false,
            acknowledged: false,
            status_page_ids: [],
            updates: [{ status: 'investigating', message: s.error ?? 'The monitor is failing.', byUser: false, created_at: new Date(checked) }],
            outages: [],
          };
        } else if (a.type === 'start_outage') {
          outages.push({ start: a.at, end: Number.POSITIVE_INFINITY });
        } else if (a.type === 'end_outage') {
          outages[outages.length - 1]!.end = a.at;
        } else if (a.type === 'resolve_incident' && open) {
          open.resolved_at = new Date(a.at);
          open.updates.push({
            status: 'resolved',
            message: `Recovered: the check succeeded${s.rt !== null ? ` in ${Math.round(s.rt)} ms` : ''}.`,
            byUser: false,
            created_at: new Date(a.at),
          });
          incidents.push(open);
          open = null;
        }
      }
      if (checked >= rawFrom) checks.push(toCheck(s, mon.latency));
      last = s;
    }
    if (open) throw new Error(`demo history of ${mon.key} ends inside an outage`);
    for (const o of outages) {
      const inc = incidents.find((i) => i.monitorKey === mon.key && i.started_at.getTime() === o.start);
      inc?.outages.push(o);
    }

    monitors.push({
      key: mon.key,
      createdAt: new Date(createdAt),
      checks,
      daily: days.rollups(outages, windows),
      outages,
      state: {
        status: state.status,
        status_changed_at: new Date(statusChangedAt),
        consecutive_successes: successes,
        last_scheduled_at: last ? new Date(last.scheduled) : null,
        last_checked_at: last ? new Date(last.checked!) : null,
        last_response_time_ms: last?.rt ?? null,
        ...(mon.body.type === 'heartbeat' ? { last_heartbeat_at: new Date(lastPing(createdAt, now)) } : {}),
      },
    });
  }

  addStoryDetails(incidents, now);
  incidents.push(slowDashboardIncident(now));
  incidents.sort((a, b) => a.started_at.getTime() - b.started_at.getTime());
  return { monitors, incidents, maintenance };
}

/** Human updates, acknowledgements and the postmortem of the story's outages. */
function addStoryDetails(incidents: DemoIncident[], now: number) {
  for (const o of STORY.outages) {
    const start = at(now, o.day, o.time);
    const inc = incidents.find((i) => i.monitorKey === o.key && Math.abs(i.started_at.getTime() - start) < MINUTE);
    if (!inc) throw new Error(`demo outage of ${o.key} did not open an incident`);
    inc.acknowledged = true;
    inc.acknowledged_at = new Date(inc.started_at.getTime() + o.acknowledgedAfterMs);
    inc.postmortem = o.postmortem;
    for (const u of o.updates) {
      const created = inc.started_at.getTime() + u.afterMs;
      if (created >= inc.resolved_at.getTime()) throw new Error('a story update falls after the recovery');
      inc.updates.splice(inc.updates.length - 1, 0, { status: u.status, message: u.message, byUser: true, created_at: new Date(created) });
    }
  }
  const late = incidents.find((i) => i.monitorKey === 'backup');
  if (late) {
    late.updates.splice(late.updates.length - 1, 0, {
      status: 'identified',
      message: STORY.lateBackup.explanation,
      byUser: true,
      created_at: new Date(late.resolved_at.getTime() - 4 * MINUTE),
    });
  }
}

function slowDashboardIncident(now: number): DemoIncident {
  const s = STORY.slowDashboard;
  const start = at(now, s.day, s.time);
  const updates = s.updates.map((u) => ({ status: u.status, message: u.message, byUser: true, created_at: new Date(start + u.afterMs) }));
  return {
    monitorKey: 'dashboard',
    kind: 'manual',
    title: s.title,
    severity: 'minor',
    started_at: updates[0]!.created_at,
    resolved_at: updates[updates.length - 1]!.created_at,
    postmortem: null,
    byUser: true,
    acknowledged: false,
    status_page_ids: [],
    updates,
    outages: [],
  };
}

/** http and tcp monitors: one check per interval, at the scheduler's offset. */
function* probeSlots(mon: HistoryInput['monitors'][number], createdAt: number, now: number, rng: Random): Generator<Slot> {
  const every = mon.body.interval_seconds * 1000;
  const latency = mon.latency!;
  const threshold = mon.body.degraded_threshold_ms ?? null;
  const failures: Array<{ start: number; count: number; error: string }> = [];
  for (const o of STORY.outages) if (o.key === mon.key) failures.push({ start: at(now, o.day, o.time), count: o.failures, error: o.error });
  for (const m of STORY.maintenance) {
    if (m.failures && m.keys.includes(mon.key)) failures.push({ start: at(now, m.day, m.failures.time), count: m.failures.count, error: 'connection refused' });
  }
  const slow = mon.key === 'dashboard' ? { start: at(now, STORY.slowDashboard.day, STORY.slowDashboard.time), end: at(now, STORY.slowDashboard.day, STORY.slowDashboard.time) + STORY.slowDashboard.minutes * MINUTE } : null;

  let t = Math.ceil((createdAt - mon.offsetMs) / every) * every + mon.offsetMs;
  let dayFactor = 1;
  let day = -1;
  const remaining = new Map(failures.map((f) => [f, f.count]));
  while (t < now - 1000) {
    const d = Math.floor(t / DAY);
    if (d !== day) {
      day = d;
      dayFactor = 0.85 + rng.next() * 0.35;
    }
    const failing = failures.find((f) => t >= f.start && remaining.get(f)! > 0);
    if (failing) {
      remaining.set(failing, remaining.get(failing)! - 1);
      yield { scheduled: t, status: 'down', statusCode: null, rt: null, error: failing.error };
    } else {
      let rt = healthyLatency(rng, latency, t, dayFactor);
      if (slow && t >= slow.start && t < slow.end) rt = rng.int(900, 2600);
      const degraded = threshold !== null && rt > threshold;
      yield {
        scheduled: t,
        status: degraded ? 'degraded' : 'up',
        statusCode: mon.body.type === 'http' ? 200 : null,
        rt,
        error: degraded ? `response time ${rt} ms exceeds ${threshold} ms` : null,
      };
    }
    t += every;
  }
}

/** When the backup pinged: about 02:05 every night, except the late night of the story. */
function pings(createdAt: number, now: number): number[] {
  const out: number[] = [];
  const rng = createRandom(hash('demo-backup-pings'));
  const late = at(now, STORY.lateBackup.day, STORY.lateBackup.pingTime);
  for (let d = utcDay(utcDateOf(createdAt)).start; d < now; d += DAY) {
    const usual = d + 2 * 3_600_000 + rng.int(180, 540) * 1000;
    const p = utcDateOf(usual) === utcDateOf(late) ? late : usual;
    if (p > createdAt && p < now - 1000) out.push(p);
  }
  return out;
}

function lastPing(createdAt: number, now: number): number {
  const all = pings(createdAt, now);
  return all[all.length - 1]!;
}

/** Heartbeat monitors: evaluated every minute (interval + grace since the last ping), plus the check a ping triggers. */
function* heartbeatSlots(mon: HistoryInput['monitors'][number], createdAt: number, now: number): Generator<Slot> {
  const every = Math.min(mon.body.interval_seconds, 60) * 1000;
  const windowMs = (mon.body.interval_seconds + (mon.body.heartbeat_grace_seconds ?? 0)) * 1000;
  const ps = pings(createdAt, now);
  let t = Math.ceil((createdAt - mon.offsetMs) / every) * every + mon.offsetMs;
  let pi = 0;
  let lastPingAt: number | null = null;
  let down = false;
  while (t < now - 1000) {
    while (pi < ps.length && ps[pi]! <= t) {
      lastPingAt = ps[pi]!;
      pi += 1;
      // A ping to a monitor that is not up queues a check at once (fast recovery).
      if (down) {
        yield { scheduled: lastPingAt, status: 'up', statusCode: null, rt: null, error: null };
        down = false;
      }
    }
    if (lastPingAt !== null) {
      const age = t - lastPingAt;
      if (age <= windowMs) {
        yield { scheduled: t, status: 'up', statusCode: null, rt: null, error: null };
      } else {
        down = true;
        yield {
          scheduled: t,
          status: 'down',
          statusCode: null,
          rt: null,
          error: `no heartbeat for ${Math.floor(age / 1000)} s (expected every ${mon.body.interval_seconds} s + ${mon.body.heartbeat_grace_seconds ?? 0} s grace)`,
        };
      }
    }
    t += every;
  }
}

/**
 * Per UTC day (by checked_at, like the rollup job): check counts and response times, turned into
 * one monitor_daily row per day from the creation day to today once the outages are known.
 */
class DayCounts {
  private readonly first: number;
  private readonly days: Array<{ up: number; degraded: number; down: number; times: number[] }> = [];

  constructor(
    private readonly createdAt: number,
    private readonly now: number,
  ) {
    this.first = utcDay(utcDateOf(createdAt)).start;
    for (let d = this.first; d <= now; d += DAY) this.days.push({ up: 0, degraded: 0, down: 0, times: [] });
  }

  add(s: Slot) {
    const day = this.days[Math.floor((s.checked! - this.first) / DAY)]!;
    day[s.status] += 1;
    if (s.status !== 'down' && s.rt !== null) day.times.push(s.rt);
  }

  rollups(outages: Interval[], maintenance: Interval[]): BackfillDaily[] {
    return this.days.map((c, i) => {
      const start = this.first + i * DAY;
      const f = uptimeFigures({ window: { start, end: Math.min(start + DAY, this.now) }, monitoredFrom: this.createdAt, outages, maintenance });
      const times = c.times.sort((a, b) => a - b);
      return {
        date: utcDateOf(start),
        checks: c.up + c.degraded + c.down,
        up_checks: c.up,
        degraded_checks: c.degraded,
        down_checks: c.down,
        monitored_seconds: Math.floor(f.monitoredMs / 1000),
        downtime_seconds: Math.ceil(f.downtimeMs / 1000),
        maintenance_seconds: Math.floor(f.maintenanceMs / 1000),
        uptime: f.uptime,
        avg_response_time_ms: times.length ? Math.round(times.reduce((a, b) => a + b, 0) / times.length) : null,
        p95_response_time_ms: percentile95(times),
      };
    });
  }
}
