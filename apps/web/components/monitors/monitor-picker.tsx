'use client';
import type { Monitor } from '@sentrypulse/shared';

/** A checkbox list of monitors (keyboard friendly); `error` shows under it. */
export function MonitorPicker({ monitors, value, onChange, label, error }: { monitors: Monitor[]; value: number[]; onChange: (ids: number[]) => void; label: string; error?: string }) {
  return (
    <fieldset>
      <legend className="mb-1 text-sm font-medium">{label}</legend>
      {monitors.length === 0 ? <p className="text-sm text-fg-muted">No monitors yet.</p> : null}
      <div className="max-h-56 space-y-1 overflow-auto rounded-md border border-border p-2">
        {monitors.map((m) => (
          <label key={m.id} className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={value.includes(m.id)}
              onChange={(e) => onChange(e.target.checked ? [...value, m.id] : value.filter((x) => x !== m.id))}
            />
            <span className="truncate">{m.name}</span>
          </label>
        ))}
      </div>
      {error ? (
        <p role="alert" className="mt-1 text-xs font-medium text-down">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
