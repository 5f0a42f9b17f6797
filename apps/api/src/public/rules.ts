import type { ComponentStatus, OverallStatus, UptimeDay } from '@sentrypulse/shared';

/**
 * The status rules of a public page, as pure functions (documented in docs/status-pages.md).
 *
 * Component status, first match wins:
 *   1. the component's monitor is inside an active maintenance window -> maintenance
 *   2. monitor down, or an open critical incident on it               -> outage
 *   3. monitor degraded, or any other open incident on it             -> degraded
 *   4. monitor up                                                     -> operational
 *   5. monitor pending or paused (nothing to report)                  -> unknown
 *
 * Overall status, first match wins:
 *   1. at least half of the known components (status other than unknown) in outage -> major_outage
 *   2. any component in outage, or an open critical incident on the page itself    -> partial_outage
 *   3. any component degraded, or any other open incident on the page             -> degraded
 *   4. any component in maintenance, or a maintenance on the page in progress     -> maintenance
 *   5. otherwise                                                                  -> operational
 */

export type MonitorState = 'pending' | 'up' | 'down' | 'degraded' | 'paused';
export type Severity = 'critical' | 'major' | 'minor';

export interface ComponentFacts {
  monitorStatus: MonitorState;
  inMaintenance: boolean;
  /** Severities of the unresolved incidents linked to this component's monitor. */
  openIncidentSeverities: Severity[];
}

export function componentStatus(f: ComponentFacts): ComponentStatus {
  if (f.inMaintenance) return 'maintenance';
  if (f.monitorStatus === 'down' || f.openIncidentSeverities.includes('critical')) return 'outage';
  if (f.monitorStatus === 'degraded' || f.openIncidentSeverities.length > 0) return 'degraded';
  if (f.monitorStatus === 'up') return 'operational';
  return 'unknown';
}

export interface PageFacts {
  components: ComponentStatus[];
  /** Severities of unresolved incidents linked to the page but to none of its components. */
  pageIncidentSeverities: Severity[];
  /** A maintenance window shown on the page is in progress. */
  maintenanceInProgress: boolean;
}

export function overallStatus(f: PageFacts): OverallStatus {
  const known = f.components.filter((s) => s !== 'unknown');
  const outages = known.filter((s) => s === 'outage').length;
  if (outages > 0 && outages * 2 >= known.length) return 'major_outage';
  if (outages > 0 || f.pageIncidentSeverities.includes('critical')) return 'partial_outage';
  if (known.includes('degraded') || f.pageIncidentSeverities.length > 0) return 'degraded';
  if (known.includes('maintenance') || f.maintenanceInProgress) return 'maintenance';
  return 'operational';
}

/**
 * One monitor_daily row. As the monitoring engine writes it (uptimeFigures in packages/shared),
 * `monitored_seconds` already leaves maintenance out, and `downtime_seconds` is confirmed
 * downtime outside maintenance.
 */
export interface DailyRollup {
  /** YYYY-MM-DD (UTC) */
  date: string;
  monitored_seconds: number;
  downtime_seconds: number;
  maintenance_seconds: number;
}

/** Percent with two decimals, floored: 99.999 % shows as 99.99 %, never rounded up to 100 %. */
export function floorPercent(up: number, total: number): number | null {
  if (total <= 0) return null;
  const ratio = Math.min(Math.max(up / total, 0), 1);
  // Integer arithmetic first so binary fractions do not push 99.99 down to 99.98.
  return Math.floor(Math.round(ratio * 1e8) / 1e4) / 100;
}

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The `days` UTC dates ending with `today`, oldest first. */
export function dateRange(today: Date, days: number): string[] {
  const end = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const out: string[] = [];
  for (let i = days - 1; i >= 0; i -= 1) out.push(isoDate(new Date(end - i * 86_400_000)));
  return out;
}

export interface UptimeBar {
  days: UptimeDay[];
  uptime: number | null;
  /** Seconds monitored (maintenance excluded) and of those, seconds up. */
  countedSeconds: number;
  upSeconds: number;
}

/**
 * The bar of one component: one entry per day (oldest first) and the uptime over the whole range.
 * Uptime is time-based, (monitored - downtime) / monitored, the engine's own rule (ADR 0012), so
 * planned maintenance neither counts for nor against it. Days with nothing monitored (monitor not
 * created yet, paused or in maintenance all day) are null ("no data"), not 100 %. The range sums
 * seconds; it is not an average of daily percentages.
 */
export function uptimeBar(rollups: DailyRollup[], today: Date, days = 90): UptimeBar {
  const byDate = new Map(rollups.map((r) => [r.date, r]));
  let counted = 0;
  let up = 0;
  const out = dateRange(today, days).map((date): UptimeDay => {
    const r = byDate.get(date);
    const dayCounted = r ? Math.max(0, r.monitored_seconds) : 0;
    if (!r || dayCounted <= 0) return { date, uptime: null, downtime_seconds: null };
    const down = Math.min(Math.max(0, r.downtime_seconds), dayCounted);
    counted += dayCounted;
    up += dayCounted - down;
    return { date, uptime: floorPercent(dayCounted - down, dayCounted), downtime_seconds: Math.round(down) };
  });
  return { days: out, uptime: floorPercent(up, counted), countedSeconds: counted, upSeconds: up };
}
