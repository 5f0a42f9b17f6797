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
            void form.submit({ title, severity, message, monitor_ids: monitorIds });
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
          <FormError message={form.formError} />
          <Button type="submit" busy={form.submitting}>
            Declare incident
          </Button>
        </form>
      </Card>
    </>
  );
}
