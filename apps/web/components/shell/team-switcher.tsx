'use client';
import Link from 'next/link';
import { useRef } from 'react';
import { useTeams } from '../../lib/api/hooks';
import { teamHref, useCurrentTeam } from '../../lib/team';
import { Badge } from '../ui/card';
import { Skeleton } from '../ui/states';
import { Icon } from './icons';

/** A disclosure (details/summary): keyboard and screen-reader friendly without extra code. */
export function TeamSwitcher({ onNavigate }: { onNavigate?: () => void }) {
  const { data, isLoading } = useTeams();
  const { team } = useCurrentTeam();
  const ref = useRef<HTMLDetailsElement>(null);
  const close = () => {
    if (ref.current) ref.current.open = false;
    onNavigate?.();
  };
  if (isLoading && !data) return <Skeleton className="h-10 w-full" />;
  return (
    <details ref={ref} className="group relative">
      <summary
        className="flex cursor-pointer list-none items-center justify-between gap-2 rounded-md border border-border bg-surface px-3 py-2 text-sm hover:bg-muted [&::-webkit-details-marker]:hidden"
      >
        {/* The accessible name contains the visible team name (WCAG 2.5.3): "Switch team: Acme". */}
        <span className="sr-only">Switch team: </span>
        <span className="min-w-0 truncate font-medium" data-testid="current-team">
          {team?.name ?? 'Choose a team'}
        </span>
        <Icon name="chevron" className="size-4 shrink-0 text-fg-muted transition-transform group-open:rotate-180" />
      </summary>
      <div className="absolute inset-x-0 z-30 mt-1 rounded-md border border-border bg-surface p-1 shadow-lg">
        <ul className="max-h-72 overflow-auto">
          {data?.items.map((t) => (
            <li key={t.id}>
              <Link
                href={teamHref(t.id, '/monitors')}
                onClick={close}
                aria-current={t.id === team?.id ? 'true' : undefined}
                className="flex items-center justify-between gap-2 rounded px-2 py-1.5 text-sm hover:bg-muted aria-[current=true]:font-semibold"
              >
                <span className="truncate">{t.name}</span>
                <Badge>{t.role}</Badge>
              </Link>
            </li>
          ))}
        </ul>
        <Link href="/teams/new" onClick={close} className="mt-1 flex items-center gap-2 border-t border-border px-2 py-1.5 text-sm text-brand hover:bg-muted">
          <Icon name="plus" /> Create team
        </Link>
      </div>
    </details>
  );
}
