import type { Monitor } from '@sentrypulse/shared';
import { StatusDot, type StatusTone } from '../ui/status';

export function monitorTone(m: Pick<Monitor, 'status' | 'enabled'>): StatusTone {
  if (!m.enabled || m.status === 'paused') return 'paused';
  return m.status;
}

export function MonitorDot({ monitor }: { monitor: Pick<Monitor, 'status' | 'enabled'> }) {
  return <StatusDot status={monitorTone(monitor)} pulse />;
}

/** What a monitor watches, in one line: the URL, host:port, the DNS name or "heartbeat". */
export function monitorTarget(m: Pick<Monitor, 'type' | 'url' | 'host' | 'port' | 'dns_record_type'>): string {
  switch (m.type) {
    case 'http':
      return m.url ?? '';
    case 'tcp':
      return `${m.host ?? ''}:${m.port ?? ''}`;
    case 'dns':
      return `${m.dns_record_type ?? ''} ${m.host ?? ''}`;
    case 'heartbeat':
      return 'Heartbeat';
  }
}
