'use client';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { ButtonLink } from '@/components/ui/button';
import { EmptyState, ErrorState, SkeletonRows } from '@/components/ui/states';
import { useTeams } from '@/lib/api/hooks';
import { lastTeam, teamHref } from '@/lib/team';

/** "/" opens the last team used (or the first one). */
export default function Home() {
  const router = useRouter();
  const { data, error, mutate } = useTeams();
  useEffect(() => {
    if (!data?.items.length) return;
    const last = lastTeam();
    const team = data.items.find((t) => t.id === last) ?? data.items[0]!;
    router.replace(teamHref(team.id, '/monitors'));
  }, [data, router]);
  if (error) return <ErrorState error={error} onRetry={() => mutate()} />;
  if (data && data.items.length === 0) {
    return (
      <EmptyState title="You are not in any team yet" action={<ButtonLink href="/teams/new">Create a team</ButtonLink>}>
        Create a team to start monitoring, or open the invitation link a teammate sent you.
      </EmptyState>
    );
  }
  return <SkeletonRows rows={4} />;
}
