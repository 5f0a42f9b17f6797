'use client';
import { CreateTeamBody } from '@sentrypulse/shared';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useSWRConfig } from 'swr';
import { Button } from '@/components/ui/button';
import { Card, PageHeader } from '@/components/ui/card';
import { FormError, TextField } from '@/components/ui/field';
import { createTeam, teamPaths } from '@/lib/api/teams';
import { useZodForm } from '@/lib/forms';
import { teamHref } from '@/lib/team';

export default function NewTeamPage() {
  const router = useRouter();
  const { mutate } = useSWRConfig();
  const [name, setName] = useState('');
  const form = useZodForm(CreateTeamBody, async (body) => {
    const team = await createTeam(body.name);
    await mutate(teamPaths.list);
    router.push(teamHref(team.id, '/monitors'));
  });
  return (
    <>
      <PageHeader title="Create a team" description="You become its owner. Invite teammates from the team page afterwards." />
      <Card className="max-w-lg">
        <form
          noValidate
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            void form.submit({ name });
          }}
        >
          <TextField label="Team name" name="name" value={name} onChange={(e) => setName(e.target.value)} error={form.errors.name} autoFocus />
          <FormError message={form.formError} />
          <Button type="submit" busy={form.submitting}>
            Create team
          </Button>
        </form>
      </Card>
    </>
  );
}
