'use client';
import Link from 'next/link';
import { ButtonLink } from '@/components/ui/button';
import { Badge, PageHeader } from '@/components/ui/card';
import { EmptyState, ErrorState, SkeletonRows } from '@/components/ui/states';
import { useStatusPages } from '@/lib/api/status-pages';
import { teamHref, useCurrentTeam } from '@/lib/team';

export default function StatusPagesPage() {
  const { teamId, can } = useCurrentTeam();
  const { data, error, mutate } = useStatusPages(teamId);
  if (!teamId) return null;
  return (
    <>
      <PageHeader
        title="Status pages"
        description="Public pages that tell your users what works, with incidents and maintenance."
        actions={can('status_pages.write') ? <ButtonLink href={teamHref(teamId, '/status-pages/new')}>New status page</ButtonLink> : null}
      />
      {error && !data ? <ErrorState error={error} onRetry={() => mutate()} /> : null}
      {!data && !error ? <SkeletonRows rows={3} /> : null}
      {data && data.items.length === 0 ? (
        <EmptyState title="No status pages yet" action={can('status_pages.write') ? <ButtonLink href={teamHref(teamId, '/status-pages/new')}>Create a status page</ButtonLink> : null}>
          Pick the monitors to show, name them for your users, and share the link.
        </EmptyState>
      ) : null}
      {data && data.items.length > 0 ? (
        <ul className="divide-y divide-border overflow-hidden rounded-lg border border-border bg-surface">
          {data.items.map((p) => (
            <li key={p.id} className="flex flex-wrap items-center gap-3 px-4 py-3">
              <div className="min-w-0 flex-1">
                <Link href={teamHref(teamId, `/status-pages/${p.id}`)} className="block truncate text-sm font-medium hover:underline">
                  {p.title}
                </Link>
                <p className="truncate text-xs text-fg-muted">
                  /status/{p.slug} · {p.components.length} component{p.components.length === 1 ? '' : 's'}
                </p>
              </div>
              <Badge tone={p.is_public ? 'up' : 'neutral'}>{p.is_public ? 'public' : 'private'}</Badge>
              <a href={`/status/${p.slug}`} target="_blank" rel="noreferrer" className="text-sm text-brand hover:underline">
                View
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
