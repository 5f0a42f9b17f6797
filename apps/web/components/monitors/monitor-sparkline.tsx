'use client';
import { useSparkline } from '../../lib/api/sparklines';
import { useVisible } from '../../lib/use-visible';
import { Sparkline } from '../ui/sparkline';

/**
 * The last 30 response times; fetched once the row scrolls into view, batched with the other
 * rows revealed at the same time (one request per 100 rows), refreshed when a new check lands.
 */
export function MonitorSparkline({ teamId, monitorId, lastCheckedAt }: { teamId: number; monitorId: number; lastCheckedAt: string | null }) {
  const [ref, visible] = useVisible<HTMLDivElement>();
  const { data } = useSparkline(teamId, monitorId, lastCheckedAt, visible && lastCheckedAt !== null);
  return (
    <div ref={ref} className="h-7 w-[120px]">
      {data ? <Sparkline values={data.map((c) => (c.status === 'down' ? null : c.response_time_ms))} label="Response times of the last 30 checks" /> : null}
    </div>
  );
}
