'use client';
import { CreateEscalationPolicyBody, escalationTimeline, formatOffset, type Channel, type EscalationPolicy } from '@sentrypulse/shared';
import { useState } from 'react';
import { useZodForm } from '../../lib/forms';
import { Button } from '../ui/button';
import { Checkbox, FormError, TextField } from '../ui/field';

interface StepDraft {
  minutes: string;
  channel_ids: number[];
}

/** "0 min: Slack #ops; 5 min: PagerDuty; 15 min: SMS on-call" from the draft (SPEC 11 preview). */
export function timelinePreview(steps: Array<{ delay_seconds: number; channel_ids: number[] }>, repeat: number, channels: Channel[]): string[] {
  const names = new Map(channels.map((c) => [c.id, c.name]));
  return escalationTimeline({ steps, repeat }, (id) => names.get(id) ?? `#${id}`).map(
    (e) => `${formatOffset(e.at_seconds)}: ${e.channels.join(', ') || 'no channel'}${e.round > 0 ? ` (repeat ${e.round})` : ''}`,
  );
}

export function PolicyEditor({ channels, policy, onSave }: { channels: Channel[]; policy?: EscalationPolicy; onSave: (body: CreateEscalationPolicyBody) => Promise<void> }) {
  const [name, setName] = useState(policy?.name ?? '');
  const [steps, setSteps] = useState<StepDraft[]>(() => policy?.steps.map((s) => ({ minutes: String(s.delay_seconds / 60), channel_ids: [...s.channel_ids] })) ?? [{ minutes: '5', channel_ids: [] }]);
  const [repeat, setRepeat] = useState(String(policy?.repeat ?? 0));
  const [remind, setRemind] = useState(policy?.remind_every_seconds ? String(policy.remind_every_seconds / 60) : '');
  const [isDefault, setIsDefault] = useState(policy?.is_default ?? false);
  const form = useZodForm(CreateEscalationPolicyBody, async (body) => {
    await onSave(body);
    if (!policy) {
      setName('');
      setSteps([{ minutes: '5', channel_ids: [] }]);
    }
  });
  const parsed = steps.map((s) => ({ delay_seconds: Math.round(Number(s.minutes || 0) * 60), channel_ids: s.channel_ids }));
  const preview = timelinePreview(parsed, Number(repeat) || 0, channels);
  const update = (i: number, next: Partial<StepDraft>) => setSteps((all) => all.map((s, j) => (j === i ? { ...s, ...next } : s)));

  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        void form.submit({ name, steps: parsed, repeat: Number(repeat) || 0, remind_every_seconds: remind ? Math.round(Number(remind) * 60) : null, is_default: isDefault });
      }}
    >
      <TextField label="Name" name="policy-name" value={name} onChange={(e) => setName(e.target.value)} error={form.errors.name} placeholder="Primary on-call" />
      <ol className="space-y-3" data-testid="policy-steps">
        {steps.map((s, i) => (
          <li key={i} className="rounded-md border border-border p-3">
            <div className="mb-2 flex items-center justify-between gap-2">
              <p className="text-sm font-medium">Step {i + 1}</p>
              {steps.length > 1 ? (
                <Button type="button" variant="ghost" onClick={() => setSteps((all) => all.filter((_, j) => j !== i))}>
                  Remove
                </Button>
              ) : null}
            </div>
            <fieldset className="mb-2 grid gap-1 sm:grid-cols-2">
              <legend className="mb-1 text-xs text-fg-muted">Notify</legend>
              {channels.map((c) => (
                <Checkbox
                  key={c.id}
                  label={`${c.name} (${c.type})`}
                  checked={s.channel_ids.includes(c.id)}
                  onChange={(e) => update(i, { channel_ids: e.target.checked ? [...s.channel_ids, c.id] : s.channel_ids.filter((x) => x !== c.id) })}
                />
              ))}
            </fieldset>
            {form.errors[`steps.${i}.channel_ids`] ? (
              <p role="alert" className="mb-2 text-xs font-medium text-down">
                {form.errors[`steps.${i}.channel_ids`]}
              </p>
            ) : null}
            <TextField
              label={i + 1 < steps.length ? 'Unacknowledged for (minutes) before the next step' : 'Minutes before the policy repeats'}
              name={`step-${i}-minutes`}
              inputMode="decimal"
              value={s.minutes}
              onChange={(e) => update(i, { minutes: e.target.value })}
              error={form.errors[`steps.${i}.delay_seconds`]}
            />
          </li>
        ))}
      </ol>
      {steps.length < 10 ? (
        <Button type="button" variant="secondary" onClick={() => setSteps((all) => [...all, { minutes: '10', channel_ids: [] }])}>
          Add step
        </Button>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Repeat the whole policy (0-5 times)" name="repeat" inputMode="numeric" value={repeat} onChange={(e) => setRepeat(e.target.value)} error={form.errors.repeat} />
        <TextField label="Remind every (minutes, empty = never)" name="remind" inputMode="decimal" value={remind} onChange={(e) => setRemind(e.target.value)} error={form.errors.remind_every_seconds} />
      </div>
      <Checkbox label="Team default (monitors without a policy of their own)" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} />
      <div className="rounded-md bg-muted p-3">
        <p className="mb-1 text-xs font-medium text-fg-muted">Timeline while nobody acknowledges</p>
        <p className="text-sm" data-testid="policy-preview">
          {preview.join('; ')}
        </p>
      </div>
      <FormError message={form.formError ?? form.errors.steps ?? null} />
      <Button type="submit" busy={form.submitting}>
        {policy ? 'Save policy' : 'Create policy'}
      </Button>
    </form>
  );
}
