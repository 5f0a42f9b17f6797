import type { UptimeDay } from '@sentrypulse/shared';
import { dayTone, formatDay, formatDuration, formatPercent } from '../_lib/format';

export function dayLabel(d: UptimeDay): string {
  if (d.uptime === null) return `${formatDay(d.date)}: no data`;
  const down = d.downtime_seconds ? `${formatDuration(d.downtime_seconds)} down` : 'no downtime';
  return `${formatDay(d.date)}: ${formatPercent(d.uptime)} uptime, ${down}`;
}

/**
 * The 90-day bar: one cell per day whose label (date, uptime, downtime) is both its accessible
 * name and its tooltip, drawn by CSS from the label on hover and keyboard focus, so it works
 * without JavaScript and costs one element per day. A server component: the days never travel
 * twice (HTML and client props). BarKeyboard adds arrow-key navigation when JavaScript runs.
 */
export function UptimeBar({ name, days }: { name: string; days: UptimeDay[] }) {
  return (
    <div className="sp-bar" role="group" aria-label={`${name}: daily uptime, oldest first`}>
      {days.map((d) => (
        <span key={d.date} className="sp-d" data-t={dayTone(d.uptime)} role="img" tabIndex={0} aria-label={dayLabel(d)} />
      ))}
    </div>
  );
}
