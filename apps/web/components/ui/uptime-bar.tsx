import { formatDate, formatUptime } from '../../lib/format';

export interface UptimeDay {
  date: string;
  uptime: number | null;
  downtime_seconds?: number | null;
}

/** Colour of one day: no data, fully up, a little down, or badly down. */
export function dayTone(uptime: number | null): 'none' | 'up' | 'degraded' | 'down' {
  if (uptime === null) return 'none';
  if (uptime >= 99.9) return 'up';
  if (uptime >= 95) return 'degraded';
  return 'down';
}

const tone = { none: 'bg-muted', up: 'bg-up', degraded: 'bg-degraded', down: 'bg-down' } as const;

/** 90 days as bars (oldest left); each bar has its date and uptime as a tooltip and for screen readers. */
export function UptimeBar({ days, total = 90 }: { days: UptimeDay[]; total?: number }) {
  const padded: UptimeDay[] = [...Array.from({ length: Math.max(0, total - days.length) }, () => ({ date: '', uptime: null })), ...days.slice(-total)];
  return (
    <div>
      <ol className="flex h-8 items-stretch gap-[2px]" aria-label={`Uptime over the last ${total} days`}>
        {padded.map((d, i) => {
          const text = d.date ? `${formatDate(d.date)}: ${d.uptime === null ? 'no data' : formatUptime(d.uptime)}` : 'no data';
          return (
            // Narrow screens show the last 30 days; 90 bars would be slivers at 375 px.
            <li key={d.date || `pad-${i}`} className={`min-w-0 flex-1 rounded-[2px] ${tone[dayTone(d.uptime)]} ${i < padded.length - 30 ? 'hidden sm:block' : ''}`} title={text}>
              <span className="sr-only">{text}</span>
            </li>
          );
        })}
      </ol>
      <div className="mt-1 flex justify-between text-xs text-fg-muted">
        <span className="hidden sm:inline">{total} days ago</span>
        <span className="sm:hidden">{Math.min(30, total)} days ago</span>
        <span>today</span>
      </div>
    </div>
  );
}
