import type { Incident } from '@sentrypulse/shared';
import { Badge } from '../ui/card';

export function IncidentStatusBadge({ status }: { status: Incident['status'] }) {
  const tone = status === 'resolved' ? 'up' : status === 'monitoring' ? 'maintenance' : status === 'identified' ? 'degraded' : 'down';
  return <Badge tone={tone}>{status}</Badge>;
}

export function SeverityBadge({ severity }: { severity: Incident['severity'] }) {
  return <Badge tone={severity === 'critical' ? 'down' : severity === 'major' ? 'degraded' : 'neutral'}>{severity}</Badge>;
}
