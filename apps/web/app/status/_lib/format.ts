import type { ComponentStatus, OverallStatus } from '@sentrypulse/shared';

/**
 * Formatting for the public page. Times are shown in UTC and formatted on the server only, so
 * the HTML is the same with and without JavaScript (and hydration never disagrees).
 */

const dateTime = new Intl.DateTimeFormat('en-US', {
  timeZone: 'UTC',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const dayOnly = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' });

export function formatDateTime(iso: string): string {
  return `${dateTime.format(new Date(iso))} UTC`;
}

/** 'YYYY-MM-DD' → 'Nov 3, 2026' */
export function formatDay(date: string): string {
  return dayOnly.format(new Date(`${date}T00:00:00Z`));
}

/** Floored, 2 decimals: 99.999 shows as 99.99 %, never 100 %. */
export function formatPercent(value: number | null): string {
  if (value === null) return 'No data';
  return `${(Math.floor(value * 100) / 100).toFixed(2)}%`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

export const OVERALL_TEXT: Record<OverallStatus, string> = {
  operational: 'All systems operational',
  degraded: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  maintenance: 'Maintenance in progress',
};

export const COMPONENT_TEXT: Record<ComponentStatus, string> = {
  operational: 'Operational',
  degraded: 'Degraded',
  outage: 'Outage',
  maintenance: 'Maintenance',
  unknown: 'No data',
};

export const INCIDENT_STATUS_TEXT = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
} as const;

/** Tone of a day on the uptime bar. */
export function dayTone(uptime: number | null): 'none' | 'up' | 'minor' | 'major' | 'down' {
  if (uptime === null) return 'none';
  if (uptime >= 99.9) return 'up';
  if (uptime >= 99) return 'minor';
  if (uptime >= 95) return 'major';
  return 'down';
}
