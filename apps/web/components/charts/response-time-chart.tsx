'use client';
import { Area, AreaChart, CartesianGrid, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatMs } from '../../lib/format';

export interface ResponsePoint {
  t: string;
  avg: number | null;
  p95: number | null;
}

/** Average and p95 response time; loaded lazily (next/dynamic) so lists stay light. */
export default function ResponseTimeChart({ points, hourly }: { points: ResponsePoint[]; hourly: boolean }) {
  const fmt = (iso: string) => {
    const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
    return hourly ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  };
  return (
    <ResponsiveContainer width="100%" height={240}>
      <AreaChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="var(--sp-border)" strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="t" tickFormatter={fmt} stroke="var(--sp-fg-muted)" fontSize={11} minTickGap={40} tickLine={false} />
        <YAxis tickFormatter={(v: number) => formatMs(v)} stroke="var(--sp-fg-muted)" fontSize={11} width={56} tickLine={false} axisLine={false} />
        <Tooltip
          contentStyle={{ background: 'var(--sp-surface)', border: '1px solid var(--sp-border)', borderRadius: 6, fontSize: 12 }}
          labelFormatter={(l) => fmt(String(l))}
          formatter={(v, name) => [formatMs(Number(v)), name === 'avg' ? 'average' : 'p95']}
        />
        <Area type="monotone" dataKey="avg" stroke="var(--color-brand)" fill="var(--color-brand)" fillOpacity={0.12} strokeWidth={2} connectNulls isAnimationActive={false} />
        <Line type="monotone" dataKey="p95" stroke="var(--color-degraded)" strokeWidth={1.5} dot={false} connectNulls isAnimationActive={false} />
      </AreaChart>
    </ResponsiveContainer>
  );
}
