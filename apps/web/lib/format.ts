/** Formatting helpers shared by every page. Pure functions, tested in test/format.test.ts. */

const DASH = '—';

/** Uptime percentage, floored (never rounds 99.996 up to 100) with up to 2 decimals. */
export function formatUptime(pct: number | null | undefined): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return DASH;
  const clamped = Math.min(100, Math.max(0, pct));
  const floored = Math.floor(clamped * 100 + 1e-9) / 100;
  return `${Number(floored.toFixed(2))}%`;
}

/** Response time: "87 ms", "1.24 s", "12.5 s". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return `${s < 10 ? s.toFixed(2) : s.toFixed(1)} s`;
}

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago"; future times as "in 5 min". */
export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return DASH;
  const diff = Math.round((now - t) / 1000);
  const abs = Math.abs(diff);
  const wrap = (s: string) => (diff >= 0 ? `${s} ago` : `in ${s}`);
  if (abs < 5) return 'just now';
  if (abs < 60) return wrap(`${abs} s`);
  if (abs < 3600) return wrap(`${Math.floor(abs / 60)} min`);
  if (abs < 86_400) return wrap(`${Math.floor(abs / 3600)} h`);
  return wrap(`${Math.floor(abs / 86_400)} d`);
}

/** Compact counts: 999, 1.2k, 12k, 1.2M. */
export function formatCompact(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  const abs = Math.abs(n);
  const sign = n < 0 ? '-' : '';
  const unit = (v: number, suffix: string) => {
    const s = v < 10 ? (Math.floor(v * 10) / 10).toFixed(1).replace(/\.0$/, '') : String(Math.floor(v));
    return `${sign}${s}${suffix}`;
  };
  if (abs < 1000) return `${sign}${Math.round(abs)}`;
  if (abs < 1_000_000) return unit(abs / 1000, 'k');
  if (abs < 1_000_000_000) return unit(abs / 1_000_000, 'M');
  return unit(abs / 1_000_000_000, 'B');
}

/** A duration in seconds: "45s", "3m 05s", "2h 07m", "3d 4h". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return DASH;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** Percent change vs the previous period: "+12%", "−3.5%", "0%"; null (no baseline) as "—". */
export function formatChange(pct: number | null | undefined): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return DASH;
  const r = Math.abs(pct) < 10 ? Math.round(pct * 10) / 10 : Math.round(pct);
  if (r === 0) return '0%';
  return `${r > 0 ? '+' : '\u2212'}${Math.abs(r)}%`;
}

/** An interval in seconds as people say it: "30 s", "1 min", "5 min", "1 h", "24 h". */
export function formatInterval(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round((seconds / 60) * 10) / 10} min`;
  return `${Math.round((seconds / 3600) * 10) / 10} h`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return DASH;
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return DASH;
  return d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: iso.length === 10 ? 'UTC' : undefined });
}
