import type { PublicMaintenance } from '@sentrypulse/shared';
import { formatDateTime } from '../_lib/format';

/** Maintenance notices: in progress first, then scheduled ones, soonest first. */
export function Maintenances({ items }: { items: PublicMaintenance[] }) {
  return (
    <ul className="space-y-3">
      {items.map((m) => (
        <li key={m.id} className="rounded-lg border border-border border-l-4 bg-surface p-4 sm:p-5" style={{ borderLeftColor: 'var(--st-maintenance)' }}>
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h3 className="font-semibold break-words">{m.title}</h3>
            <p className="sp-text-maintenance text-xs font-semibold uppercase">{m.status === 'in_progress' ? 'In progress' : 'Scheduled'}</p>
          </div>
          <p className="mt-1 text-sm text-fg-muted">
            <time dateTime={m.starts_at}>{formatDateTime(m.starts_at)}</time> – <time dateTime={m.ends_at}>{formatDateTime(m.ends_at)}</time>
          </p>
          {m.components.length > 0 ? <p className="mt-1 text-sm text-fg-muted">Affects: {m.components.join(', ')}</p> : null}
          {m.description_html ? <div className="sp-message mt-2 text-sm break-words" dangerouslySetInnerHTML={{ __html: m.description_html }} /> : null}
        </li>
      ))}
    </ul>
  );
}
