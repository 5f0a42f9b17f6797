'use client';
import { CreateIncidentBody, Severity } from '@sentrypulse/shared';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { MonitorPicker } from '@/components/monitors/monitor-picker';
import { Button } from '@/components/ui/button';
import { Card, PageHeader } from '@/components/ui/card';
import { FormError, SelectField, TextArea, TextField } from '@/components/ui/field';
import { createIncident } from '@/lib/api/incidents';
import { useMonitors } from '@/lib/api/monitors';
import { useStatusPages } from '@/lib/api/status-pages';
import { useZodForm } from '@/lib/forms';
import { teamHref, useCurrentTeam } from '@/lib/team';

export default function NewIncidentPage() {
  const { teamId } = useCurrentTeam();
  const router = useRouter();
  const monitors = useMonitors(teamId);
  const [title, setTitle] = useState('');
  const [severity, setSeverity] = useState('major');
  const [message, setMessage] = useState('');
  const [monitorIds, setMonitorIds] = useState<number[]>([]);
  const [pageIds, setPageIds] = useState<number[]>([]);
  const pages = useStatusPages(teamId);
  const form = useZodForm(CreateIncidentBody, async (body) => {
    const inc = await createIncident(teamId!, body);
    router.push(teamHref(teamId!, `/incidents/${inc.id}`));
  });
  if (!teamId) return null;
  return (
    <>
      <PageHeader title="Declare an incident" description="For problems the monitors cannot see. It is posted to the status pages you choose." />
      <Card className="max-w-2xl">
        <form
          noValidate
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            void form.submit({ title, severity, message, monitor_ids: monitorIds, status_page_ids: pageIds });
          }}
        >
          <TextField label="Title" name="title" value={title} onChange={(e) => setTitle(e.target.value)} error={form.errors.title} />
          <SelectField label="Severity" name="severity" value={severity} onChange={(e) => setSeverity(e.target.value)} error={form.errors.severity}>
            {Severity.options.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </SelectField>
          <TextArea label="First update" name="message" rows={3} value={message} onChange={(e) => setMessage(e.target.value)} error={form.errors.message} />
          <MonitorPicker label="Affected monitors" monitors={monitors.data?.items ?? []} value={monitorIds} onChange={setMonitorIds} error={form.errors.monitor_ids} />
          <fieldset>
            <legend className="mb-1 text-sm font-medium">Show on status pages</legend>
            {pages.data && pages.data.items.length === 0 ? <p className="text-sm text-fg-muted">No status pages yet.</p> : null}
            <div className="space-y-1">
              {pages.data?.items.map((p) => (
                <label key={p.id} className="flex items-center gap-2 text-sm">
                  <input type="checkbox" checked={pageIds.includes(p.id)} onChange={(e) => setPageIds((ids) => (e.target.checked ? [...ids, p.id] : ids.filter((x) => x !== p.id)))} />
                  {p.title} <span className="text-xs text-fg-muted">/status/{p.slug}</span>
                </label>
              ))}
            </div>
            {form.errors.status_page_ids ? (
              <p role="alert" className="mt-1 text-xs font-medium text-down">
                {form.errors.status_page_ids}
              </p>
            ) : null}
          </fieldset>
          <FormError message={form.formError} />
          <Button type="submit" busy={form.submitting}>
            Declare incident
          </Button>
        </form>
      </Card>
    </>
  );
}
