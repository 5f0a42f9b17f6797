'use client';
import { UpdateSiteBody, type Site } from '@sentrypulse/shared';
import { useState } from 'react';
import { deleteSite, updateSite } from '../../lib/api/sites';
import { messageOf } from '../../lib/api/errors';
import { useZodForm } from '../../lib/forms';
import { Button } from '../ui/button';
import { Card } from '../ui/card';
import { useConfirm } from '../ui/confirm';
import { Checkbox, FormError, TextField } from '../ui/field';

/** Name, domain, time zone, Do-Not-Track and delete, for owners and admins. */
export function SiteSettings({ teamId, site, onSaved, onDeleted }: { teamId: number; site: Site; onSaved: (s: Site) => void; onDeleted: () => void }) {
  const [name, setName] = useState(site.name);
  const [domain, setDomain] = useState(site.domain);
  const [timezone, setTimezone] = useState(site.timezone);
  const [dnt, setDnt] = useState(site.respect_dnt);
  const [enabled, setEnabled] = useState(site.enabled);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [dialog, confirm] = useConfirm();
  const form = useZodForm(UpdateSiteBody, async (body) => {
    onSaved(await updateSite(teamId, site.id, body));
    setSaved(true);
  });
  return (
    <Card title="Site settings">
      {dialog}
      <form
        noValidate
        className="grid gap-4 sm:grid-cols-3"
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          void form.submit({ name, domain, timezone, respect_dnt: dnt, enabled });
        }}
      >
        <TextField label="Site name" value={name} onChange={(e) => setName(e.target.value)} error={form.errors.name} />
        <TextField label="Site domain" value={domain} onChange={(e) => setDomain(e.target.value)} error={form.errors.domain} />
        <TextField label="Site time zone" value={timezone} onChange={(e) => setTimezone(e.target.value)} error={form.errors.timezone} />
        <div className="flex flex-col gap-2 sm:col-span-3">
          <Checkbox label="Honour Do-Not-Track" checked={dnt} onChange={(e) => setDnt(e.target.checked)} />
          <Checkbox label="Collect pageviews (untick to pause tracking)" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        </div>
        <div className="flex flex-wrap items-center gap-3 sm:col-span-3">
          <Button type="submit" busy={form.submitting}>
            Save site
          </Button>
          {saved ? (
            <span role="status" className="text-sm text-up">
              Saved.
            </span>
          ) : null}
          <Button
            variant="ghost"
            className="ml-auto text-down"
            onClick={async () => {
              if (!(await confirm({ title: `Delete ${site.name}?`, body: 'Its analytics are deleted for good and the snippet stops counting.', confirmLabel: 'Delete site', danger: true }))) return;
              try {
                await deleteSite(teamId, site.id);
                onDeleted();
              } catch (err) {
                setError(messageOf(err));
              }
            }}
          >
            Delete site
          </Button>
        </div>
      </form>
      <FormError message={form.formError ?? error} />
    </Card>
  );
}
