'use client';
import type { UpdateStatusPageBody } from '@sentrypulse/shared';
import { useParams, useRouter } from 'next/navigation';
import { useState } from 'react';
import { StatusPageEditor } from '@/components/status-pages/editor';
import { DomainPanel, SubscribersPanel } from '@/components/status-pages/subscribers-panel';
import { Button } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/card';
import { useConfirm } from '@/components/ui/confirm';
import { FormError } from '@/components/ui/field';
import { ErrorState, SkeletonRows } from '@/components/ui/states';
import { messageOf } from '@/lib/api/errors';
import { useMonitors } from '@/lib/api/monitors';
import { deleteStatusPage, updateStatusPage, useStatusPage, useStatusPagePreview } from '@/lib/api/status-pages';
import { teamHref, useCurrentTeam } from '@/lib/team';

export default function EditStatusPage() {
  const { teamId, can } = useCurrentTeam();
  const id = Number(useParams<{ statusPageId: string }>().statusPageId);
  const page = useStatusPage(teamId, id);
  const preview = useStatusPagePreview(teamId, id);
  const monitors = useMonitors(teamId);
  const router = useRouter();
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [dialog, confirm] = useConfirm();
  if (!teamId) return null;
  if (page.error && !page.data) return <ErrorState error={page.error} onRetry={() => page.mutate()} />;
  if (!page.data || !monitors.data) return <SkeletonRows rows={4} height="h-24" />;
  return (
    <>
      {dialog}
      <PageHeader
        title={page.data.title}
        description={
          <a className="text-brand hover:underline" href={`/status/${page.data.slug}`} target="_blank" rel="noreferrer">
            Open /status/{page.data.slug}
          </a>
        }
        actions={
          can('status_pages.write') ? (
            <Button
              variant="ghost"
              onClick={async () => {
                if (!(await confirm({ title: `Delete ${page.data!.title}?`, body: 'The public link stops working.', confirmLabel: 'Delete', danger: true }))) return;
                try {
                  await deleteStatusPage(teamId, id);
                  router.replace(teamHref(teamId, '/status-pages'));
                } catch (err) {
                  setError(messageOf(err));
                }
              }}
            >
              Delete
            </Button>
          ) : null
        }
      />
      <FormError message={error} />
      {saved ? (
        <p role="status" className="mb-4 text-sm text-up">
          Saved.
        </p>
      ) : null}
      <StatusPageEditor
        key={page.data.updated_at}
        page={page.data}
        monitors={monitors.data.items}
        saved={preview.data}
        submitLabel="Save changes"
        onSave={async (body) => {
          setSaved(false);
          const updated = await updateStatusPage(teamId, id, body as UpdateStatusPageBody);
          await page.mutate(updated, { revalidate: false });
          await preview.mutate();
          setSaved(true);
        }}
      />
      <div className="mt-6 space-y-6">
        <DomainPanel key={`domain-${page.data.custom_domain ?? ''}`} teamId={teamId} pageId={id} canWrite={can('status_pages.write')} />
        <SubscribersPanel teamId={teamId} pageId={id} canWrite={can('status_pages.write')} />
      </div>
    </>
  );
}
