'use client';
import type { CreateStatusPageBody } from '@sentrypulse/shared';
import { useRouter } from 'next/navigation';
import { StatusPageEditor } from '@/components/status-pages/editor';
import { PageHeader } from '@/components/ui/card';
import { useMonitors } from '@/lib/api/monitors';
import { createStatusPage } from '@/lib/api/status-pages';
import { teamHref, useCurrentTeam } from '@/lib/team';

export default function NewStatusPage() {
  const { teamId } = useCurrentTeam();
  const monitors = useMonitors(teamId);
  const router = useRouter();
  if (!teamId) return null;
  return (
    <>
      <PageHeader title="New status page" />
      <StatusPageEditor
        monitors={monitors.data?.items ?? []}
        submitLabel="Create status page"
        onSave={async (body) => {
          const page = await createStatusPage(teamId, body as CreateStatusPageBody);
          router.push(teamHref(teamId, `/status-pages/${page.id}`));
        }}
      />
    </>
  );
}
