'use client';
import { useRouter } from 'next/navigation';
import { useSWRConfig } from 'swr';
import { MonitorForm } from '@/components/monitors/monitor-form';
import { PageHeader } from '@/components/ui/card';
import { SkeletonRows } from '@/components/ui/states';
import { createMonitor } from '@/lib/api/monitors';
import { teamHref, useCurrentTeam } from '@/lib/team';
import type { CreateMonitorBody } from '@sentrypulse/shared';

export default function NewMonitorPage() {
  const { teamId, team } = useCurrentTeam();
  const router = useRouter();
  const { mutate } = useSWRConfig();
  if (!teamId || !team) return <SkeletonRows rows={4} height="h-32" />;
  return (
    <>
      <PageHeader title="New monitor" description="SentryPulse checks it on a schedule and opens an incident when it fails." />
      <MonitorForm
        teamId={teamId}
        minInterval={team.limits.min_interval_seconds}
        submitLabel="Create monitor"
        onSubmit={async (body) => {
          const m = await createMonitor(teamId, body as CreateMonitorBody);
          await mutate(['monitors', teamId]);
          router.push(teamHref(teamId, `/monitors/${m.id}`));
        }}
      />
    </>
  );
}
