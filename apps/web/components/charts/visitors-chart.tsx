'use client';
import { Area, AreaChart, CartesianGrid, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ComparedPoint } from '../../lib/date-range';
import { formatCompact } from '../../lib/format';

export type VisitorsPoint = ComparedPoint;

function label(date: string, hourly: boolean) {
  if (hourly) return date.slice(11, 16);
  const d = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/**
 * Visitors or pageviews over time, with the previous period as a dashed line when `compare`;
 * loaded lazily so the rest of the dashboard paints first.
 */
export default function VisitorsChart({ points, metric, hourly, compare = false }: { points: VisitorsPoint[]; metric: 'visitors' | 'pageviews'; hourly: boolean; compare?: boolean }) {
  const previousKey = metric === 'visitors' ? 'previous_visitors' : 'previous_pageviews';
  const showPrevious = compare && points.some((p) => p[previousKey] !== null);
  const previousLabel = (p: VisitorsPoint) => (p.previous_date ? `${metric}, ${hourly ? `${label(p.previous_date, false)} ${label(p.previous_date, true)}` : label(p.previous_date, false)}` : 'previous period');
  return (
    <ResponsiveContainer width="100%" height={260}>
      <AreaChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="var(--sp-border)" strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="date" tickFormatter={(d: string) => label(d, hourly)} stroke="var(--sp-fg-muted)" fontSize={11} minTickGap={40} tickLine={false} />
        <YAxis tickFormatter={(v: number) => formatCompact(v)} stroke="var(--sp-fg-muted)" fontSize={11} width={44} tickLine={false} axisLine={false} allowDecimals={false} />
        <Tooltip
          contentStyle={{ background: 'var(--sp-surface)', border: '1px solid var(--sp-border)', borderRadius: 6, fontSize: 12 }}
          labelFormatter={(l) => label(String(l), hourly)}
          formatter={(v, name, item) => [Number(v).toLocaleString(), name === previousKey ? previousLabel(item.payload as VisitorsPoint) : metric]}
        />
        <Area type="monotone" dataKey={metric} stroke="var(--color-brand)" fill="var(--color-brand)" fillOpacity={0.15} strokeWidth={2} isAnimationActive={false} />
        {showPrevious ? (
          <Line type="monotone" dataKey={previousKey} className="previous-period" stroke="var(--sp-fg-muted)" strokeWidth={1.5} strokeDasharray="5 4" dot={false} activeDot={{ r: 3 }} isAnimationActive={false} />
        ) : null}
      </AreaChart>
    </ResponsiveContainer>
  );
}
