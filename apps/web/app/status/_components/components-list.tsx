import type { PublicComponent } from '@sentrypulse/shared';
import { COMPONENT_TEXT, formatPercent } from '../_lib/format';
import { UptimeBar } from './uptime-bar';

/** Components in their groups (ungrouped ones on their own), in the order the team set. */
function grouped(components: PublicComponent[]) {
  const out: Array<{ group: string | null; items: PublicComponent[] }> = [];
  for (const c of components) {
    const last = out.at(-1);
    const existing = c.group === null ? undefined : out.find((g) => g.group === c.group);
    if (existing) existing.items.push(c);
    else if (c.group === null && last && last.group === null) last.items.push(c);
    else out.push({ group: c.group, items: [c] });
  }
  return out;
}

function ComponentRow({ c }: { c: PublicComponent }) {
  return (
    <li className="px-4 py-4 sm:px-5">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <h4 className="font-medium break-words">{c.name}</h4>
        <p className={`sp-text-${c.status} text-sm font-semibold`}>{COMPONENT_TEXT[c.status]}</p>
      </div>
      <div className="mt-3">
        <UptimeBar name={c.name} days={c.days} />
      </div>
      <div className="mt-1.5 flex justify-between text-xs text-fg-muted">
        <span>
          <span className="sp-range-90">90 days ago</span>
          <span className="sp-range-30">30 days ago</span>
        </span>
        <span>{c.uptime_90d === null ? 'No data yet' : `${formatPercent(c.uptime_90d)} uptime (90 days)`}</span>
        <span>Today</span>
      </div>
    </li>
  );
}

export function ComponentsList({ components }: { components: PublicComponent[] }) {
  if (components.length === 0) {
    return <p className="rounded-lg border border-border bg-surface p-5 text-fg-muted">No components are listed on this page yet.</p>;
  }
  return (
    <div className="space-y-4">
      {grouped(components).map((g, i) => (
        <section
          key={`${g.group ?? ''}-${i}`}
          aria-label={g.group ?? 'Components'}
          className="overflow-visible rounded-lg border border-border bg-surface"
        >
          {g.group ? <h3 className="border-b border-border px-4 py-3 text-sm font-semibold tracking-wide text-fg-muted uppercase sm:px-5">{g.group}</h3> : null}
          <ul className="divide-y divide-border">
            {g.items.map((c, k) => (
              <ComponentRow key={`${c.name}-${k}`} c={c} />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
