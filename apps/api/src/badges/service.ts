import { randomBytes } from 'node:crypto';
import { teamScope, type ServiceContext } from '../context';
import { NotFound } from '../errors';
import { renderBadge, type Badge } from '../public/badge';
import * as q from './queries';

/**
 * Per-monitor badges (SPEC 10, ADR 0136): status, uptime over 24h/7d/30d/90d, average response
 * time, as SVG (the page badge's look) and as a shields.io endpoint JSON (`schemaVersion: 1`).
 * Off by default: enabling mints a random public key, so a URL never names the monitor, and the
 * label is the team's (escaped); the monitor's internal name never appears.
 */

export const BADGE_METRICS = ['status', 'uptime', 'response-time'] as const;
export type BadgeMetric = (typeof BADGE_METRICS)[number];
export const BADGE_PERIODS = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 } as const;
export type BadgePeriod = keyof typeof BADGE_PERIODS;

const STATUS: Record<string, { message: string; colour: string }> = {
  up: { message: 'up', colour: '#1a7f37' },
  degraded: { message: 'degraded', colour: '#9a6700' },
  down: { message: 'down', colour: '#cf222e' },
  paused: { message: 'paused', colour: '#6e7781' },
  pending: { message: 'pending', colour: '#6e7781' },
};

function uptimeColour(u: number): string {
  return u >= 99.9 ? '#1a7f37' : u >= 99 ? '#4d7c0f' : u >= 95 ? '#bc4c00' : '#cf222e';
}

export function badgeUrls(apiPublicUrl: string, key: string) {
  const base = `${apiPublicUrl}/api/public/badges/${key}`;
  return {
    status_svg: `${base}/status.svg`,
    uptime_svg: `${base}/uptime.svg?period=30d`,
    response_time_svg: `${base}/response-time.svg`,
    status_json: `${base}/status.json`,
    shields: `https://img.shields.io/endpoint?url=${encodeURIComponent(`${base}/status.json`)}`,
  };
}

export async function getBadge(ctx: ServiceContext, monitorId: number) {
  const team = teamScope(ctx);
  if (!(await q.findMonitor(ctx.db, team.id, monitorId))) throw new NotFound('Monitor');
  const b = await q.findBadge(ctx.db, team.id, monitorId);
  return b ? { enabled: true, label: b.label, urls: badgeUrls(ctx.config.apiPublicUrl, b.public_key) } : { enabled: false, label: null, urls: null };
}

export async function setBadge(ctx: ServiceContext, monitorId: number, body: { enabled: boolean; label?: string | null | undefined }) {
  const team = teamScope(ctx);
  if (!(await q.findMonitor(ctx.db, team.id, monitorId))) throw new NotFound('Monitor');
  if (!body.enabled) await q.deleteBadge(ctx.db, team.id, monitorId);
  else {
    const existing = await q.findBadge(ctx.db, team.id, monitorId);
    await q.upsertBadge(ctx.db, { monitor_id: monitorId, team_id: team.id, public_key: existing?.public_key ?? randomBytes(16).toString('base64url').slice(0, 22), label: body.label ?? null });
  }
  return getBadge(ctx, monitorId);
}

/** What a badge says now, or null when there is no enabled badge with this key. */
export async function badgeContent(ctx: ServiceContext, key: string, metric: BadgeMetric, period: BadgePeriod, now = new Date()): Promise<Badge | null> {
  const b = await q.badgeByKey(ctx.db, key);
  if (!b) return null;
  if (metric === 'status') {
    const s = STATUS[b.status] ?? STATUS.pending!;
    return { label: b.label ?? 'status', ...s };
  }
  if (metric === 'uptime') {
    const from = new Date(now.getTime() - (BADGE_PERIODS[period] - 1) * 86_400_000).toISOString().slice(0, 10);
    const u = period === '24h' && b.uptime_percentage !== null ? Math.floor(Number(b.uptime_percentage) * 100) / 100 : await q.uptimeOver(ctx.db, b.team_id, b.monitor_id, from);
    const label = b.label ? `${b.label} ${period}` : `uptime ${period}`;
    return u === null ? { label, message: 'no data', colour: '#6e7781' } : { label, message: `${u.toFixed(2)}%`, colour: uptimeColour(u) };
  }
  const avg = await q.avgResponse24h(ctx.db, b.monitor_id, now);
  const label = b.label ? `${b.label} response` : 'response time';
  return avg === null ? { label, message: 'no data', colour: '#6e7781' } : { label, message: `${avg} ms`, colour: avg < 300 ? '#1a7f37' : avg < 1000 ? '#9a6700' : '#cf222e' };
}

export function svgOf(b: Badge): string {
  return renderBadge(b);
}

/** The shields.io endpoint schema (https://shields.io/badges/endpoint-badge). */
export function shieldsOf(b: Badge) {
  return { schemaVersion: 1 as const, label: b.label, message: b.message, color: b.colour.replace(/^#/, '') };
}
