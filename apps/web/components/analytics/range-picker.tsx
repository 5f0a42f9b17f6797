'use client';
import { useState } from 'react';
import { presetRange, rangeLabel, type DateRange, type RangeKey } from '../../lib/date-range';

const PRESETS: { key: Exclude<RangeKey, 'custom'>; label: string }[] = [
  { key: 'today', label: 'Today' },
  { key: '7d', label: '7 days' },
  { key: '30d', label: '30 days' },
  { key: '12mo', label: '12 months' },
];

export function RangePicker({ value, today, onChange }: { value: DateRange; today: string; onChange: (r: DateRange) => void }) {
  const [custom, setCustom] = useState(value.key === 'custom');
  const [from, setFrom] = useState(value.from);
  const [to, setTo] = useState(value.to);
  const invalid = !from || !to || from > to || to > today;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <div role="group" aria-label="Date range" className="inline-flex flex-wrap rounded-md border border-border bg-surface p-0.5">
        {PRESETS.map((p) => (
          <button
            key={p.key}
            type="button"
            aria-pressed={value.key === p.key && !custom}
            onClick={() => {
              setCustom(false);
              onChange(presetRange(p.key, today));
            }}
            className="rounded px-2.5 py-1 text-xs font-medium text-fg-muted hover:text-fg aria-pressed:bg-brand/10 aria-pressed:text-brand"
          >
            {p.label}
          </button>
        ))}
        <button
          type="button"
          aria-pressed={custom}
          aria-expanded={custom}
          onClick={() => setCustom(true)}
          className="rounded px-2.5 py-1 text-xs font-medium text-fg-muted hover:text-fg aria-pressed:bg-brand/10 aria-pressed:text-brand"
        >
          Custom
        </button>
      </div>
      {custom ? (
        <form
          className="flex flex-wrap items-center gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (!invalid) onChange({ key: 'custom', from, to });
          }}
        >
          <label className="sr-only" htmlFor="range-from">
            From
          </label>
          <input id="range-from" type="date" value={from} max={today} onChange={(e) => setFrom(e.target.value)} className="rounded-md border border-border bg-surface px-2 py-1 text-xs" />
          <span className="text-xs text-fg-muted">to</span>
          <label className="sr-only" htmlFor="range-to">
            To
          </label>
          <input id="range-to" type="date" value={to} max={today} onChange={(e) => setTo(e.target.value)} className="rounded-md border border-border bg-surface px-2 py-1 text-xs" />
          <button type="submit" disabled={invalid} className="rounded-md bg-brand px-2.5 py-1 text-xs font-medium text-white disabled:opacity-50">
            Apply
          </button>
        </form>
      ) : (
        <span className="sr-only" aria-live="polite">
          {rangeLabel(value)}
        </span>
      )}
    </div>
  );
}
