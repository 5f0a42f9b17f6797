'use client';
import { UpdateTeamBody, can } from '@sentrypulse/shared';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { useSWRConfig } from 'swr';
import { InvitationsCard } from '@/components/team/invitations';
import { MembersCard } from '@/components/team/members';
import { PlanCard } from '@/components/team/plan';
import { TeamSecurityCard } from '@/components/security/team-security-card';
import { TeamSsoCard } from '@/components/security/team-sso-card';
import { Button } from '@/components/ui/button';
import { Card, PageHeader } from '@/components/ui/card';
import { SkeletonRows } from '@/components/ui/states';
import { useConfirm } from '@/components/ui/confirm';
import { FormError, TextField } from '@/components/ui/field';
import { messageOf } from '@/lib/api/errors';
import { useMembers } from '@/lib/api/hooks';
import { deleteTeam, leaveTeam, renameTeam, teamPaths } from '@/lib/api/teams';
import { useZodForm } from '@/lib/forms';
import { useCurrentTeam } from '@/lib/team';

export default function TeamSettingsPage() {
  const { team } = useCurrentTeam();
  const { mutate } = useSWRConfig();
  const router = useRouter();
  const members = useMembers(team?.id ?? null);
  const [name, setName] = useState(team?.name ?? '');
  const [saved, setSaved] = useState(false);
  const [dialog, confirm] = useConfirm();
  const [dangerError, setDangerError] = useState<string | null>(null);
  useEffect(() => setName(team?.name ?? ''), [team?.name]);
  const form = useZodForm(UpdateTeamBody, async (body) => {
    await renameTeam(team!.id, body.name);
    await mutate(teamPaths.list);
    setSaved(true);
  });
  if (!team) return <SkeletonRows rows={4} height="h-32" />;
  const canRename = can(team.role, 'team.update');

  return (
    <>
      {dialog}
      <PageHeader title="Team" description={`Members, invitations, plan and settings of ${team.name}.`} />
      <div className="grid gap-6">
        <Card title="Name">
          <form
            noValidate
            className="flex flex-col gap-3 sm:flex-row sm:items-start"
            onSubmit={(e) => {
              e.preventDefault();
              setSaved(false);
              void form.submit({ name });
            }}
          >
            <div className="flex-1">
              <TextField label="Team name" name="team-name" value={name} onChange={(e) => setName(e.target.value)} error={form.errors.name} disabled={!canRename} />
            </div>
            {canRename ? (
              <Button type="submit" busy={form.submitting} className="sm:mt-6">
                Save
              </Button>
            ) : null}
          </form>
          <FormError message={form.formError} />
          {saved ? <p className="mt-2 text-sm text-up" role="status">Saved.</p> : null}
        </Card>
        <MembersCard team={team} />
        <InvitationsCard team={team} />
        <PlanCard team={team} usage={{ members: members.data?.items.length }} />
        <TeamSecurityCard team={team} />
        <TeamSsoCard team={team} />
        <Card title="Leave or delete">
          <FormError message={dangerError} />
          <div className="flex flex-wrap gap-3">
            {team.role !== 'owner' ? (
              <Button
                variant="secondary"
                onClick={async () => {
                  if (!(await confirm({ title: `Leave ${team.name}?`, body: 'You lose access until someone invites you again.', confirmLabel: 'Leave', danger: true }))) return;
                  try {
                    await leaveTeam(team.id);
                    await mutate(teamPaths.list);
                    router.replace('/');
                  } catch (err) {
                    setDangerError(messageOf(err));
                  }
                }}
              >
                Leave team
              </Button>
            ) : null}
            {can(team.role, 'team.delete') ? (
              <Button
                variant="danger"
                onClick={async () => {
                  if (
                    !(await confirm({
                      title: `Delete ${team.name}?`,
                      body: 'Monitors, incidents, status pages, sites and their data are deleted for good.',
                      confirmLabel: 'Delete team',
                      danger: true,
                    }))
                  )
                    return;
                  try {
                    await deleteTeam(team.id);
                    await mutate(teamPaths.list);
                    router.replace('/');
                  } catch (err) {
                    setDangerError(messageOf(err));
                  }
                }}
              >
                Delete team
              </Button>
            ) : (
              <p className="text-sm text-fg-muted">Only the owner can delete this team.</p>
            )}
          </div>
        </Card>
      </div>
    </>
  );
}
