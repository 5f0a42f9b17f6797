'use client';
import { Severity, UpdateIncidentBody, type Incident, type Monitor, type StatusPage } from '@sentrypulse/shared';
import { useState } from 'react';
import { editIncident } from '../../lib/api/incidents';
import { useZodForm } from '../../lib/forms';
import { MonitorPicker } from '../monitors/monitor-picker';
import { Button } from '../ui/button';
import { Card } from '../ui/card';
import { FormError, SelectField } from '../ui/field';

/** Severity, affected monitors and the status pages an incident shows on (incidents.write). */
export function IncidentScope({ teamId, incident, monitors, pages, onSaved }: { teamId: number; incident: Incident; monitors: Monitor[]; pages: StatusPage[]; onSaved: (i: Incident) => void }) {
  const [severity, setSeverity] = useState(incident.severity);
  const [monitorIds, setMonitorIds] = useState(incident.monitor_ids);
  const [pageIds, setPageIds] = useState(incident.status_page_ids);
  const [saved, setSaved] = useState(false);
  const form = useZodForm(UpdateIncidentBody, async (body) => {
    onSaved(await editIncident(teamId, incident.id, body));
    setSaved(true);
  });
  return (
    <Card title="Scope">
      <form
        noValidate
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          void form.submit({ severity, monitor_ids: monitorIds, status_page_ids: pageIds });
        }}
      >
        <SelectField label="Severity" name="scope-severity" value={severity} onChange={(e) => setSeverity(e.target.value as Incident['severity'])} error={form.errors.severity}>
          {Severity.options.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </SelectField>
        <MonitorPicker label="Affected monitors" monitors={monitors} value={monitorIds} onChange={setMonitorIds} error={form.errors.monitor_ids} />
        <fieldset>
          <legend className="mb-1 text-sm font-medium">Shown on status pages</legend>
          {pages.length === 0 ? <p className="text-sm text-fg-muted">No status pages yet.</p> : null}
          {pages.map((p) => (
            <label key={p.id} className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={pageIds.includes(p.id)} onChange={(e) => setPageIds((ids) => (e.target.checked ? [...ids, p.id] : ids.filter((x) => x !== p.id)))} />
              {p.title}
            </label>
          ))}
        </fieldset>
        <FormError message={form.formError} />
        <div className="flex items-center gap-3">
          <Button type="submit" variant="secondary" busy={form.submitting}>
            Save scope
          </Button>
          {saved ? (
            <span role="status" className="text-sm text-up">
              Saved.
            </span>
          ) : null}
        </div>
      </form>
    </Card>
  );
}
