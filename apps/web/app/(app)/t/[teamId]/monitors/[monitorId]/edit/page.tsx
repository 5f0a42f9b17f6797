'use client';
import type { UpdateMonitorBody } from '@sentrypulse/shared';
import { useParams, useRouter } from 'next/navigation';
import { useSWRConfig } from 'swr';
import { MonitorForm } from '@/components/monitors/monitor-form';
import { PageHeader } from '@/components/ui/card';
import { ErrorState, SkeletonRows } from '@/components/ui/states';
import { updateMonitor, useMonitor } from '@/lib/api/monitors';
import { teamHref, useCurrentTeam } from '@/lib/team';

export default function EditMonitorPage() {
  const { teamId, team } = useCurrentTeam();
  const params = useParams<{ monitorId: string }>();
  const id = Number(params.monitorId);
  const { data, error, mutate } = useMonitor(teamId, id);
  const router = useRouter();
  const swr = useSWRConfig();
  if (!teamId || !team) return <SkeletonRows rows={4} height="h-32" />;
  if (error && !data) return <ErrorState error={error} onRetry={() => mutate()} />;
  if (!data) return <SkeletonRows rows={6} />;
  return (
    <>
      <PageHeader title={`Edit ${data.name}`} />
      <MonitorForm
        teamId={teamId}
        monitor={data}
        minInterval={team.limits.min_interval_seconds}
        submitLabel="Save changes"
        onSubmit={async (body) => {
          const m = await updateMonitor(teamId, id, body as UpdateMonitorBody);
          await mutate(m, { revalidate: false });
          await swr.mutate(['monitors', teamId]);
          router.push(teamHref(teamId, `/monitors/${id}`));
        }}
      />
    </>
  );
}
