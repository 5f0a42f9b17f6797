'use client';
import { formatOffset } from '@sentrypulse/shared';
import { useChannels } from '../../lib/api/channels';
import { useIncidentEscalation } from '../../lib/api/escalation';
import { formatDateTime } from '../../lib/format';
import { Badge } from '../ui/card';

const STOPPED: Record<'acknowledged' | 'resolved' | 'exhausted', string> = {
  acknowledged: 'stopped: acknowledged',
  resolved: 'stopped: resolved',
  exhausted: 'every step notified',
};

/** Where the incident's escalation stands (nothing when its monitor has no policy). */
export function EscalationState({ teamId, incidentId }: { teamId: number | null; incidentId: number }) {
  const esc = useIncidentEscalation(teamId, incidentId);
  const channels = useChannels(teamId);
  if (!esc.data) return null;
  const e = esc.data;
  const names = new Map(channels.data?.items.map((c) => [c.id, c.name]));
  let at = 0;
  return (
    <div className="mb-4 rounded-md border border-border p-3 text-sm" data-testid="escalation-state">
      <p className="mb-2 flex flex-wrap items-center gap-2 font-medium">
        Escalation {e.stopped_reason ? <Badge tone={e.stopped_reason === 'exhausted' ? 'degraded' : 'up'}>{STOPPED[e.stopped_reason]}</Badge> : <Badge tone="down">running</Badge>}
        {e.next_at && !e.stopped_reason ? <span className="text-xs font-normal text-fg-muted">next step {formatDateTime(e.next_at)}</span> : null}
      </p>
      <ol className="space-y-1">
        {e.policy.steps.map((s, i) => {
          const offset = at;
          at += s.delay_seconds;
          const reached = e.last_round > 0 || i <= e.last_step;
          return (
            <li key={i} className={reached ? '' : 'text-fg-muted'}>
              {formatOffset(offset)}: {s.channel_ids.map((id) => names.get(id) ?? `#${id}`).join(', ')} {reached ? '✓' : ''}
            </li>
          );
        })}
      </ol>
      {e.reminders_sent > 0 ? <p className="mt-1 text-xs text-fg-muted">{e.reminders_sent} reminder(s) sent</p> : null}
    </div>
  );
}
