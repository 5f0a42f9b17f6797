import type { Monitor, MonitorType } from '@sentrypulse/shared';
import { StatusDot, type StatusTone } from '../ui/status';

export function monitorTone(m: Pick<Monitor, 'status' | 'enabled'>): StatusTone {
  if (!m.enabled || m.status === 'paused') return 'paused';
  return m.status;
}

export function MonitorDot({ monitor }: { monitor: Pick<Monitor, 'status' | 'enabled'> }) {
  return <StatusDot status={monitorTone(monitor)} pulse />;
}

type TargetFields = Pick<Monitor, 'type' | 'url' | 'host' | 'port' | 'dns_record_type'>;

/** One line per type (a record over the enum, so a new type must say what it shows). */
export const TARGET_LINE: Record<MonitorType, (m: TargetFields) => string> = {
  http: (m) => m.url ?? '',
  tcp: (m) => `${m.host ?? ''}:${m.port ?? ''}`,
  dns: (m) => `${m.dns_record_type ?? ''} ${m.host ?? ''}`,
  heartbeat: () => 'Heartbeat',
};

/** What a monitor watches, in one line: the URL, host:port, the DNS name or "heartbeat". */
export function monitorTarget(m: TargetFields): string {
  return TARGET_LINE[m.type](m);
}
