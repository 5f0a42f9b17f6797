import type { CSSProperties } from 'react';
import { COMPONENT_STATUS_TEXT, OVERALL_STATUS_TEXT, type ComponentStatus, type Monitor, type OverallStatus, type PublicStatusPage } from '@sentrypulse/shared';
import { UptimeBar } from '../ui/uptime-bar';
import { formatUptime } from '../../lib/format';

export interface DraftComponent {
  monitor_id: number;
  name: string;
  group: string;
}

export interface Draft {
  title: string;
  description: string;
  logo_url: string;
  accent_color: string;
  components: DraftComponent[];
}

/** A monitor's state as a status page shows it (the page never shows the monitor's own name or URL). */
export function componentStatus(m: Monitor | undefined): ComponentStatus {
  if (!m || !m.enabled) return 'unknown';
  return m.status === 'up' ? 'operational' : m.status === 'down' ? 'outage' : m.status === 'degraded' ? 'degraded' : 'unknown';
}

/** The banner while editing: same idea as the public rule (any outage, then degraded), computed from the draft. */
export function draftOverall(statuses: ComponentStatus[]): OverallStatus {
  const known = statuses.filter((s) => s !== 'unknown');
  if (known.some((s) => s === 'outage')) return known.every((s) => s === 'outage') ? 'major_outage' : 'partial_outage';
  if (known.some((s) => s === 'degraded')) return 'degraded';
  if (known.length && known.every((s) => s === 'maintenance')) return 'maintenance';
  return 'operational';
}

const BANNER: Record<OverallStatus, string> = {
  operational: 'bg-up',
  degraded: 'bg-degraded',
  partial_outage: 'bg-degraded',
  major_outage: 'bg-down',
  maintenance: 'bg-maintenance',
};
const DOT: Record<ComponentStatus, string> = { operational: 'bg-up', degraded: 'bg-degraded', outage: 'bg-down', maintenance: 'bg-maintenance', unknown: 'bg-pending' };

/**
 * Live preview of the draft: title, logo, colour, components and groups as typed, with each
 * component's current status from its monitor and its 90 days from the saved page's preview.
 */
export function StatusPagePreview({ draft, monitors, saved }: { draft: Draft; monitors: Monitor[]; saved?: PublicStatusPage }) {
  const byId = new Map(monitors.map((m) => [m.id, m]));
  const savedByName = new Map(saved?.components.map((c) => [c.name, c]));
  const rows = draft.components.map((c) => ({ ...c, status: componentStatus(byId.get(c.monitor_id)), days: savedByName.get(c.name)?.days ?? [], uptime: savedByName.get(c.name)?.uptime_90d ?? null }));
  const overall = draftOverall(rows.map((r) => r.status));
  const accent = /^#[0-9a-fA-F]{6}$/.test(draft.accent_color) ? draft.accent_color : undefined;
  const groups = new Map<string, typeof rows>();
  for (const r of rows) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  return (
    <div className="overflow-hidden rounded-lg border border-border bg-bg" data-testid="status-preview" style={accent ? ({ '--color-brand': accent } as CSSProperties) : undefined}>
      {/* The accent colour as the public page uses it: a bar, never as text (any colour stays readable). */}
      {accent ? <div className="h-1.5" style={{ background: accent }} aria-hidden /> : null}
      <div className="border-b border-border bg-surface px-5 py-4">
        <div className="flex items-center gap-3">
          {/^https?:\/\//.test(draft.logo_url) ? (
            <img src={draft.logo_url} alt="" className="h-8 w-auto max-w-[8rem] object-contain" />
          ) : null}
          <h3 className="truncate text-lg font-semibold">
            {draft.title || 'Status page title'}
          </h3>
        </div>
        {draft.description ? <p className="mt-1 text-sm text-fg-muted">{draft.description}</p> : null}
      </div>
      <div className="space-y-4 p-5">
        <div className={`rounded-md px-4 py-3 text-sm font-semibold text-white ${BANNER[overall]}`}>{OVERALL_STATUS_TEXT[overall]}</div>
        {rows.length === 0 ? <p className="text-sm text-fg-muted">Add components to show them here.</p> : null}
        {[...groups.entries()].map(([group, items]) => (
          <div key={group || '_'} className="rounded-md border border-border bg-surface">
            {group ? <p className="border-b border-border px-4 py-2 text-xs font-semibold uppercase tracking-wide text-fg-muted">{group}</p> : null}
            <ul className="divide-y divide-border">
              {items.map((r) => (
                <li key={r.monitor_id} className="px-4 py-3">
                  <div className="mb-2 flex items-center justify-between gap-2 text-sm">
                    <span className="flex min-w-0 items-center gap-2">
                      <span className={`size-2.5 shrink-0 rounded-full ${DOT[r.status]}`} aria-hidden />
                      <span className="truncate font-medium">{r.name || 'Unnamed component'}</span>
                    </span>
                    <span className="shrink-0 text-xs text-fg-muted">
                      {COMPONENT_STATUS_TEXT[r.status]} · {formatUptime(r.uptime)}
                    </span>
                  </div>
                  <UptimeBar days={r.days} />
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
    </div>
  );
}
