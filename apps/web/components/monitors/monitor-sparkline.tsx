'use client';
import { useChecks } from '../../lib/api/monitors';
import { useVisible } from '../../lib/use-visible';
import { Sparkline } from '../ui/sparkline';

function Loaded({ teamId, monitorId }: { teamId: number; monitorId: number }) {
  const { data } = useChecks(teamId, monitorId, 30, false);
  if (!data) return null;
  const values = [...data.items].reverse().map((c) => (c.status === 'down' ? null : c.response_time_ms));
  return <Sparkline values={values} label="Response times of the last 30 checks" />;
}

/** The last 30 response times; fetched only once the row scrolls into view. */
export function MonitorSparkline({ teamId, monitorId, lastCheckedAt }: { teamId: number; monitorId: number; lastCheckedAt: string | null }) {
  const [ref, visible] = useVisible<HTMLDivElement>();
  return (
    <div ref={ref} className="h-7 w-[120px]">
      {visible && lastCheckedAt ? <Loaded teamId={teamId} monitorId={monitorId} /> : null}
    </div>
  );
}
