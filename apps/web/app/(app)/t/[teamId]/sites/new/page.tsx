'use client';
import { CreateSiteBody } from '@sentrypulse/shared';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useSWRConfig } from 'swr';
import { Button } from '@/components/ui/button';
import { Card, PageHeader } from '@/components/ui/card';
import { Checkbox, FormError, TextField } from '@/components/ui/field';
import { createSite, sitePaths } from '@/lib/api/sites';
import { useZodForm } from '@/lib/forms';
import { teamHref, useCurrentTeam } from '@/lib/team';

export default function NewSitePage() {
  const { teamId } = useCurrentTeam();
  const router = useRouter();
  const { mutate } = useSWRConfig();
  const [name, setName] = useState('');
  const [domain, setDomain] = useState('');
  const [timezone, setTimezone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const [dnt, setDnt] = useState(false);
  const form = useZodForm(CreateSiteBody, async (body) => {
    const site = await createSite(teamId!, body);
    await mutate(sitePaths.list(teamId!));
    router.push(teamHref(teamId!, `/sites/${site.id}`));
  });
  if (!teamId) return null;
  return (
    <>
      <PageHeader title="Add a site" description="You get a one-line script to paste into the site's pages." />
      <Card className="max-w-lg">
        <form
          noValidate
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            void form.submit({ name, domain, timezone, respect_dnt: dnt });
          }}
        >
          <TextField label="Name" name="name" value={name} onChange={(e) => setName(e.target.value)} error={form.errors.name} />
          <TextField label="Domain" name="domain" placeholder="example.com" value={domain} onChange={(e) => setDomain(e.target.value)} error={form.errors.domain} hint="Subdomains are counted too." />
          <TextField label="Time zone" name="timezone" value={timezone} onChange={(e) => setTimezone(e.target.value)} error={form.errors.timezone} hint="Days in reports start at midnight here." />
          <Checkbox label="Honour Do-Not-Track" checked={dnt} onChange={(e) => setDnt(e.target.checked)} />
          <FormError message={form.formError} />
          <Button type="submit" busy={form.submitting}>
            Add site
          </Button>
        </form>
      </Card>
    </>
  );
}
