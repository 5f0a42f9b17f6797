'use client';
import type { Monitor } from '@sentrypulse/shared';
import { useEffect, useState } from 'react';
import { MonitorPicker } from '@/components/monitors/monitor-picker';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { useConfirm } from '@/components/ui/confirm';
import { FormError, SelectField, TextField } from '@/components/ui/field';
import { messageOf } from '@/lib/api/errors';
import { createSeries, deleteSeries, previewSeries, useSeries } from '@/lib/api/subscribers';
import { formatDateTime } from '@/lib/format';

const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

/** The RRULE a form describes (the subset of ADR 0135). */
export function ruleOf(f: { freq: string; interval: number; days: string[]; monthDay: string; count: string; until: string }): string {
  const parts = [`FREQ=${f.freq}`];
  if (f.interval > 1) parts.push(`INTERVAL=${f.interval}`);
  if (f.freq === 'WEEKLY' && f.days.length) parts.push(`BYDAY=${f.days.join(',')}`);
  if (f.freq === 'MONTHLY' && f.monthDay) parts.push(`BYMONTHDAY=${f.monthDay}`);
  if (f.until) parts.push(`UNTIL=${f.until.replace(/-/g, '')}`);
  else parts.push(`COUNT=${f.count || '1'}`);
  return parts.join(';');
}

/** Recurring maintenance: a rule, the team's time zone, and the next five occurrences previewed. */
export function RecurrenceEditor({ teamId, monitors, canWrite }: { teamId: number; monitors: Monitor[]; canWrite: boolean }) {
  const series = useSeries(teamId);
  const [title, setTitle] = useState('');
  const [freq, setFreq] = useState('WEEKLY');
  const [interval, setInterval] = useState(1);
  const [days, setDays] = useState<string[]>(['SU']);
  const [monthDay, setMonthDay] = useState('1');
  const [count, setCount] = useState('12');
  const [until, setUntil] = useState('');
  const [start, setStart] = useState('');
  const [duration, setDuration] = useState(60);
  const [timezone, setTimezone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const [monitorIds, setMonitorIds] = useState<number[]>([]);
  const [preview, setPreview] = useState<Array<{ starts_at: string; ends_at: string }>>([]);
  const [error, setError] = useState<string | null>(null);
  const [dialog, confirm] = useConfirm();
  const rrule = ruleOf({ freq, interval, days, monthDay, count, until });
  const draft = { rrule, timezone, starts_at_local: start, duration_minutes: duration };

  useEffect(() => {
    if (!start) return setPreview([]);
    const t = setTimeout(() => {
      previewSeries(teamId, draft)
        .then((r) => {
          setPreview(r.occurrences);
          setError(null);
        })
        .catch((err) => {
          setPreview([]);
          setError(messageOf(err));
        });
    }, 300);
    return () => clearTimeout(t);
  }, [teamId, rrule, timezone, start, duration]);

  return (
    <Card title="Recurring maintenance">
      {dialog}
      {series.data?.items.length ? (
        <ul className="mb-4 divide-y divide-border text-sm">
          {series.data.items.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <div className="min-w-0">
                <p className="font-medium">{s.title}</p>
                <p className="text-xs text-fg-muted">
                  <code>{s.rrule}</code> · {s.timezone} · next {s.next_occurrences[0] ? formatDateTime(s.next_occurrences[0].starts_at) : 'none'}
                </p>
              </div>
              {canWrite ? (
                <Button
                  variant="ghost"
                  onClick={async () => {
                    if (!(await confirm({ title: `End "${s.title}"?`, body: 'Future occurrences are removed; past ones stay.', confirmLabel: 'End series', danger: true }))) return;
                    await deleteSeries(teamId, s.id).catch((err) => setError(messageOf(err)));
                    await series.mutate();
                  }}
                >
                  End
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {canWrite ? (
        <form
          className="grid gap-3 sm:grid-cols-2"
          onSubmit={async (e) => {
            e.preventDefault();
            try {
              await createSeries(teamId, { title, description: null, ...draft, monitor_ids: monitorIds });
              setTitle('');
              await series.mutate();
            } catch (err) {
              setError(messageOf(err));
            }
          }}
        >
          <TextField label="Title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />
          <SelectField label="Repeats" value={freq} onChange={(e) => setFreq(e.target.value)}>
            <option value="DAILY">Daily</option>
            <option value="WEEKLY">Weekly</option>
            <option value="MONTHLY">Monthly</option>
          </SelectField>
          <TextField label="Every (interval)" type="number" min={1} max={366} value={interval} onChange={(e) => setInterval(Number(e.target.value) || 1)} />
          {freq === 'WEEKLY' ? (
            <fieldset className="flex flex-wrap items-end gap-2 text-sm">
              <legend className="mb-1 font-medium">On</legend>
              {DAYS.map((d) => (
                <label key={d} className="flex items-center gap-1">
                  <input type="checkbox" checked={days.includes(d)} onChange={(e) => setDays(e.target.checked ? [...days, d] : days.filter((x) => x !== d))} /> {d}
                </label>
              ))}
            </fieldset>
          ) : freq === 'MONTHLY' ? (
            <TextField label="Day of month (e.g. 1 or 1,15 or -1)" value={monthDay} onChange={(e) => setMonthDay(e.target.value)} />
          ) : (
            <span />
          )}
          <TextField label="First start (local time)" type="datetime-local" value={start} onChange={(e) => setStart(e.target.value.slice(0, 16))} required />
          <TextField label="Duration (minutes)" type="number" min={1} max={10080} value={duration} onChange={(e) => setDuration(Number(e.target.value) || 1)} />
          <TextField label="Time zone (IANA)" value={timezone} onChange={(e) => setTimezone(e.target.value)} />
          <TextField label="Occurrences (COUNT)" type="number" min={1} value={count} onChange={(e) => setCount(e.target.value)} disabled={Boolean(until)} />
          <TextField label="…or until (date)" type="date" value={until} onChange={(e) => setUntil(e.target.value)} />
          <div className="sm:col-span-2">
            <MonitorPicker label="Monitors" monitors={monitors} value={monitorIds} onChange={setMonitorIds} />
          </div>
          <div className="sm:col-span-2">
            <p className="text-xs text-fg-muted">
              Rule: <code>{rrule}</code>
            </p>
            {preview.length ? (
              <>
                <p className="mt-2 text-sm font-medium">Next five occurrences</p>
                <ol className="mt-1 list-decimal pl-5 text-sm" data-testid="recurrence-preview">
                  {preview.map((o) => (
                    <li key={o.starts_at}>
                      {formatDateTime(o.starts_at)} – {formatDateTime(o.ends_at)}
                    </li>
                  ))}
                </ol>
              </>
            ) : null}
          </div>
          <FormError message={error} />
          <div className="sm:col-span-2">
            <Button type="submit" disabled={!title || !start || monitorIds.length === 0}>
              Schedule series
            </Button>
          </div>
        </form>
      ) : null}
    </Card>
  );
}
