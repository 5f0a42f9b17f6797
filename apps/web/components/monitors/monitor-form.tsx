'use client';
import { DnsRecordType, HttpMethod, MonitorType, Severity, type Monitor } from '@sentrypulse/shared';
import { useEffect, useMemo, useState } from 'react';
import { useChannels } from '../../lib/api/channels';
import { usePolicies } from '../../lib/api/escalation';
import { useZodForm } from '../../lib/forms';
import { Button } from '../ui/button';
import { Card } from '../ui/card';
import { Checkbox, FormError, SelectField, TextArea, TextField } from '../ui/field';
import { changedChannelIds, CreateMonitorForm, EditMonitorForm, emptyMonitorForm, formFromMonitor, monitorBodyFromForm, typeUsesField, type MonitorFormState } from './monitor-form-model';

const TYPE_LABEL: Record<MonitorType, string> = {
  http: 'HTTP(S) / keyword',
  dns: 'DNS record',
  tcp: 'TCP port',
  heartbeat: 'Heartbeat (cron job pings us)',
};

/** Create or edit any monitor type; validated with the shared schema, errors shown inline. */
export function MonitorForm({
  monitor,
  teamId,
  minInterval,
  onSubmit,
  submitLabel,
}: {
  monitor?: Monitor;
  teamId: number;
  minInterval: number;
  onSubmit: (body: Record<string, unknown>) => Promise<void>;
  submitLabel: string;
}) {
  const editing = Boolean(monitor);
  const [f, setF] = useState<MonitorFormState>(() => (monitor ? formFromMonitor(monitor) : emptyMonitorForm()));
  const schema = useMemo(() => (editing ? EditMonitorForm(f.type) : CreateMonitorForm), [editing, f.type]);
  const form = useZodForm(schema, async (body) => onSubmit(body as Record<string, unknown>));
  const set = <K extends keyof MonitorFormState>(k: K, v: MonitorFormState[K]) => {
    setF((s) => ({ ...s, [k]: v }));
    form.clearError(k);
  };
  const text = (k: keyof MonitorFormState) => ({
    name: k,
    value: f[k] as string,
    onChange: (e: { target: { value: string } }) => set(k, e.target.value as never),
    error: form.errors[k],
  });
  // New monitors alert the team's default channels unless the user picks others (SPEC 4.4); an
  // edit starts from the channels the monitor routes to now and sends the selection if it changed.
  const channels = useChannels(teamId);
  const [channelIds, setChannelIds] = useState<number[] | null>(() => (monitor ? [...monitor.channel_ids] : null));
  useEffect(() => {
    if (channels.data && channelIds === null) setChannelIds(channels.data.items.filter((c) => c.is_default).map((c) => c.id));
  }, [channels.data, channelIds]);
  // The escalation policy (SPEC 11): empty = the team default, else the channels above at once.
  const policies = usePolicies(teamId);
  const [policyId, setPolicyId] = useState<number | null>(monitor?.escalation_policy_id ?? null);
  const hasThreshold = f.degraded_threshold_ms.trim() !== '';
  const headerError = Object.entries(form.errors).find(([k]) => k.startsWith('headers'))?.[1];

  return (
    <form
      noValidate
      className="grid gap-6"
      onSubmit={(e) => {
        e.preventDefault();
        const body = monitorBodyFromForm(f, editing);
        const channelChange = changedChannelIds(channelIds, monitor?.channel_ids);
        const routing = {
          ...(channelChange ? { channel_ids: channelChange } : {}),
          ...(policyId !== (monitor?.escalation_policy_id ?? null) ? { escalation_policy_id: policyId } : {}),
        };
        void form.submit(editing ? { ...body, ...routing } : { type: f.type, ...body, ...routing });
      }}
    >
      <Card title="What to check">
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField label="Type" name="type" value={f.type} onChange={(e) => set('type', e.target.value as MonitorType)} disabled={editing}>
            {MonitorType.options.map((t) => (
              <option key={t} value={t}>
                {TYPE_LABEL[t]}
              </option>
            ))}
          </SelectField>
          <TextField label="Name" placeholder="Website" {...text('name')} />
          {f.type === 'http' ? (
            <>
              <div className="sm:col-span-2">
                <TextField label="URL" type="url" placeholder="https://example.com/health" {...text('url')} />
              </div>
              <SelectField label="Method" {...text('method')}>
                {HttpMethod.options.map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </SelectField>
              <TextField label="Expected status" placeholder="200-299" hint="Codes or ranges, e.g. 200-299,301" {...text('expected_status')} />
              <TextField label="Keyword" placeholder="optional" hint="Text that must appear in the response" {...text('keyword')} />
              <TextField label="JSON path" placeholder="$.status" hint="Optional assertion on a JSON body" {...text('json_path')} />
              {f.json_path ? <TextField label="JSON value expected" placeholder="ok" {...text('json_expected')} /> : null}
              {f.url.startsWith('https:') ? <TextField label="Warn days before certificate expiry" inputMode="numeric" {...text('ssl_expiry_days')} /> : null}
              <div className="flex flex-col gap-2 sm:col-span-2">
                {f.keyword ? <Checkbox label="Fail when the keyword IS present" checked={f.keyword_absent} onChange={(e) => set('keyword_absent', e.target.checked)} /> : null}
                <Checkbox label="Follow redirects" checked={f.follow_redirects} onChange={(e) => set('follow_redirects', e.target.checked)} />
              </div>
              <div className="sm:col-span-2">
                <TextArea label="Request headers" rows={3} placeholder={'Authorization: Bearer …\nAccept: application/json'} hint="One per line, Name: value" {...text('headers')} error={headerError} />
              </div>
              {f.method !== 'GET' && f.method !== 'HEAD' ? (
                <div className="sm:col-span-2">
                  <TextArea label="Request body" rows={3} {...text('body')} />
                </div>
              ) : null}
            </>
          ) : null}
          {f.type === 'dns' ? (
            <>
              <TextField label="Hostname" placeholder="example.com" {...text('host')} />
              <SelectField label="Record type" {...text('dns_record_type')}>
                {DnsRecordType.options.map((t) => (
                  <option key={t}>{t}</option>
                ))}
              </SelectField>
              <div className="sm:col-span-2">
                <TextField label="Expected values" placeholder="93.184.216.34, 93.184.216.35" hint="Comma-separated; empty accepts any answer" {...text('dns_expected')} error={form.errors.dns_expected ?? form.errors['dns_expected.0']} />
              </div>
            </>
          ) : null}
          {f.type === 'tcp' ? (
            <>
              <TextField label="Host" placeholder="db.example.com" {...text('host')} />
              <TextField label="Port" inputMode="numeric" placeholder="5432" {...text('port')} />
            </>
          ) : null}
          {f.type === 'heartbeat' ? (
            <p className="text-sm text-fg-muted sm:col-span-2">
              After saving you get a secret URL. Have your job request it after every run; the monitor goes down when no ping arrives within the interval plus the grace period.
            </p>
          ) : null}
        </div>
      </Card>
      <Card title="Schedule and alerting">
        <div className="grid gap-4 sm:grid-cols-3">
          <TextField label="Interval (seconds)" inputMode="numeric" hint={`Your plan allows every ${minInterval} s or slower`} {...text('interval_seconds')} />
          {f.type !== 'heartbeat' ? <TextField label="Timeout (ms)" inputMode="numeric" {...text('timeout_ms')} /> : <TextField label="Grace (seconds)" inputMode="numeric" {...text('heartbeat_grace_seconds')} />}
          <TextField label="Failures before an incident" inputMode="numeric" {...text('confirmations')} />
          {typeUsesField(f.type, 'degraded_threshold_ms') ? <TextField label="Degraded above (ms)" inputMode="numeric" placeholder="optional" {...text('degraded_threshold_ms')} /> : null}
          <SelectField label="Incident severity" {...text('severity')}>
            {Severity.options.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </SelectField>
          {typeUsesField(f.type, 'degraded_threshold_ms') && hasThreshold ? (
            <div className="sm:col-span-3">
              <Checkbox
                label="Open an incident when slow (minor, after the same number of checks in a row; not counted as downtime)"
                name="alert_on_degraded"
                checked={f.alert_on_degraded}
                onChange={(e) => set('alert_on_degraded', e.target.checked)}
                aria-invalid={form.errors.alert_on_degraded ? true : undefined}
                aria-describedby={form.errors.alert_on_degraded ? 'alert_on_degraded-err' : undefined}
              />
              {form.errors.alert_on_degraded ? (
                <p id="alert_on_degraded-err" role="alert" className="mt-1 text-xs font-medium text-down">
                  {form.errors.alert_on_degraded}
                </p>
              ) : null}
            </div>
          ) : null}
        </div>
      </Card>
      {channels.data && channels.data.items.length > 0 ? (
        <Card title="Alert through">
          <fieldset className="space-y-1">
            <legend className="sr-only">Notification channels</legend>
            {channels.data.items.map((c) => (
              <Checkbox
                key={c.id}
                label={`${c.name} (${c.type})`}
                checked={channelIds?.includes(c.id) ?? false}
                onChange={(e) => {
                  setChannelIds((ids) => (e.target.checked ? [...(ids ?? []), c.id] : (ids ?? []).filter((x) => x !== c.id)));
                  form.clearError('channel_ids');
                }}
              />
            ))}
          </fieldset>
          {form.errors.channel_ids ? (
            <p role="alert" className="mt-1 text-xs font-medium text-down">
              {form.errors.channel_ids}
            </p>
          ) : null}
        </Card>
      ) : null}
      {policies.data && policies.data.items.length > 0 ? (
        <Card title="Escalation">
          <SelectField
            label="Escalation policy"
            name="escalation_policy_id"
            value={policyId === null ? '' : String(policyId)}
            onChange={(e) => setPolicyId(e.target.value ? Number(e.target.value) : null)}
          >
            <option value="">{policies.data.items.some((p) => p.is_default) ? 'Team default policy' : 'None: alert the channels above at once'}</option>
            {policies.data.items.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </SelectField>
          {form.errors.escalation_policy_id ? (
            <p role="alert" className="mt-1 text-xs font-medium text-down">
              {form.errors.escalation_policy_id}
            </p>
          ) : null}
        </Card>
      ) : null}
      <FormError message={form.formError ?? (Object.keys(form.errors).length ? 'Some fields need attention.' : null)} />
      <div>
        <Button type="submit" busy={form.submitting}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
