'use client';
import { useSparkline } from '../../lib/api/sparklines';
import { useVisible } from '../../lib/use-visible';
import { Sparkline } from '../ui/sparkline';

// Mounted only for visible rows: 500 rows must not carry 500 SWR hooks through every 5 s poll.
function Loaded({ teamId, monitorId, lastCheckedAt }: { teamId: number; monitorId: number; lastCheckedAt: string }) {
  const { data } = useSparkline(teamId, monitorId, lastCheckedAt);
  if (!data) return null;
  return <Sparkline values={data.map((c) => (c.status === 'down' ? null : c.response_time_ms))} label="Response times of the last 30 checks" />;
}

/**
 * The last 30 response times; fetched once the row scrolls into view, batched with the other
 * rows revealed at the same time (one request per 100 rows), refreshed when a new check lands.
 */
export function MonitorSparkline({ teamId, monitorId, lastCheckedAt }: { teamId: number; monitorId: number; lastCheckedAt: string | null }) {
  const [ref, visible] = useVisible<HTMLDivElement>();
  return (
    <div ref={ref} className="h-7 w-[120px]">
      {visible && lastCheckedAt ? <Loaded teamId={teamId} monitorId={monitorId} lastCheckedAt={lastCheckedAt} /> : null}
    </div>
  );
}
