'use client';
import { useChecks } from '../../lib/api/monitors';
import { useVisible } from '../../lib/use-visible';
import { Sparkline } from '../ui/sparkline';

/** The last 30 response times; fetched only when the row scrolls into view. */
export function MonitorSparkline({ teamId, monitorId, lastCheckedAt }: { teamId: number; monitorId: number; lastCheckedAt: string | null }) {
  const [ref, visible] = useVisible<HTMLDivElement>();
  const { data } = useChecks(visible && lastCheckedAt ? teamId : null, monitorId, 30, false);
  const values = data ? [...data.items].reverse().map((c) => (c.status === 'down' ? null : c.response_time_ms)) : [];
  return (
    <div ref={ref} className="h-7 w-[120px]">
      {data ? <Sparkline values={values} label="Response times of the last 30 checks" /> : null}
    </div>
  );
}
