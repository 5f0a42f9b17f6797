'use client';
import { useSiteStats } from '../../lib/api/sites';
import { presetRange, todayIn } from '../../lib/date-range';
import { formatCompact } from '../../lib/format';
import { useVisible } from '../../lib/use-visible';
import { Sparkline } from '../ui/sparkline';

/** 30-day visitors of one site, fetched when its row is on screen. */
export function SiteSparkline({ teamId, siteId, timezone }: { teamId: number; siteId: number; timezone: string }) {
  const [ref, visible] = useVisible<HTMLDivElement>();
  const range = presetRange('30d', todayIn(timezone));
  const { data } = useSiteStats(visible ? teamId : null, siteId, { from: range.from, to: range.to });
  return (
    <div ref={ref} className="flex items-center gap-4">
      <div className="h-7 w-[120px]">{data ? <Sparkline values={data.timeseries.map((p) => p.visitors)} label="Visitors, last 30 days" /> : null}</div>
      <div className="w-20 text-right text-sm tabular-nums">
        {data ? <span className="font-medium">{formatCompact(data.visitors)}</span> : <span className="text-fg-muted">…</span>}
        <span className="block text-xs text-fg-muted">visitors</span>
      </div>
    </div>
  );
}
