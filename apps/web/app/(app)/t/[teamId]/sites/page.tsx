'use client';
import Link from 'next/link';
import { SiteSparkline } from '@/components/analytics/site-sparkline';
import { ButtonLink } from '@/components/ui/button';
import { Badge, PageHeader } from '@/components/ui/card';
import { EmptyState, ErrorState, SkeletonRows } from '@/components/ui/states';
import { useSites } from '@/lib/api/sites';
import { teamHref, useCurrentTeam } from '@/lib/team';

export default function SitesPage() {
  const { teamId, can } = useCurrentTeam();
  const { data, error, mutate } = useSites(teamId);
  if (!teamId) return null;
  return (
    <>
      <PageHeader
        title="Analytics"
        description="Privacy-friendly web analytics: no cookies, no personal data."
        actions={can('sites.write') ? <ButtonLink href={teamHref(teamId, '/sites/new')}>Add site</ButtonLink> : null}
      />
      {error && !data ? <ErrorState error={error} onRetry={() => mutate()} /> : null}
      {!data && !error ? <SkeletonRows rows={3} /> : null}
      {data && data.items.length === 0 ? (
        <EmptyState title="No sites yet" action={can('sites.write') ? <ButtonLink href={teamHref(teamId, '/sites/new')}>Add your first site</ButtonLink> : null}>
          Add a site, paste one script line into its pages, and visitors show up here within seconds.
        </EmptyState>
      ) : null}
      {data && data.items.length > 0 ? (
        <ul className="divide-y divide-border overflow-hidden rounded-lg border border-border bg-surface" data-testid="site-list">
          {data.items.map((s) => (
            <li key={s.id}>
              <Link href={teamHref(teamId, `/sites/${s.id}`)} className="flex items-center gap-4 px-4 py-3 hover:bg-muted">
                <div className="min-w-0 flex-1">
                  <p className="truncate text-sm font-medium">{s.name}</p>
                  <p className="truncate text-xs text-fg-muted">{s.domain}</p>
                </div>
                {!s.enabled ? <Badge>paused</Badge> : null}
                <SiteSparkline teamId={teamId} siteId={s.id} timezone={s.timezone} />
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
