import type { ReactNode } from 'react';

export function StatCard({ label, value, sub, tone }: { label: string; value: ReactNode; sub?: ReactNode; tone?: 'up' | 'down' | 'degraded' }) {
  const color = tone === 'up' ? 'text-up' : tone === 'down' ? 'text-down' : tone === 'degraded' ? 'text-degraded' : 'text-fg';
  return (
    <div className="min-w-0 rounded-lg border border-border bg-surface px-4 py-3">
      <p className="truncate text-xs font-medium uppercase tracking-wide text-fg-muted">{label}</p>
      <p className={`mt-1 truncate text-xl font-semibold tabular-nums ${color}`}>{value}</p>
      {sub ? <p className="mt-0.5 truncate text-xs text-fg-muted">{sub}</p> : null}
    </div>
  );
}

export function Tabs<T extends string>({ value, options, onChange, label }: { value: T; options: { value: T; label: string }[]; onChange: (v: T) => void; label: string }) {
  return (
    <div role="group" aria-label={label} className="inline-flex rounded-md border border-border bg-surface p-0.5">
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          aria-pressed={value === o.value}
          onClick={() => onChange(o.value)}
          className="rounded px-2.5 py-1 text-xs font-medium text-fg-muted hover:text-fg aria-pressed:bg-brand/10 aria-pressed:text-brand"
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
