export type StatusTone = 'up' | 'down' | 'degraded' | 'maintenance' | 'paused' | 'pending';

const dot: Record<StatusTone, string> = {
  up: 'bg-up',
  down: 'bg-down',
  degraded: 'bg-degraded',
  maintenance: 'bg-maintenance',
  paused: 'bg-paused',
  pending: 'bg-pending',
};

const label: Record<StatusTone, string> = {
  up: 'Up',
  down: 'Down',
  degraded: 'Degraded',
  maintenance: 'Maintenance',
  paused: 'Paused',
  pending: 'Pending',
};

/** The coloured dot; announced by its label (colour is never the only signal). */
export function StatusDot({ status, pulse = false }: { status: StatusTone; pulse?: boolean }) {
  return (
    <span className="relative inline-flex size-2.5 shrink-0" role="img" aria-label={label[status]} title={label[status]}>
      {pulse && status === 'down' ? <span className={`absolute inline-flex size-full animate-ping rounded-full opacity-60 ${dot[status]}`} /> : null}
      <span className={`relative inline-flex size-2.5 rounded-full ${dot[status]}`} />
    </span>
  );
}

export function statusLabel(status: StatusTone) {
  return label[status];
}
