'use client';
import { canAssignRole, type Member, type Role, type Team } from '@sentrypulse/shared';
import { useState } from 'react';
import { useSWRConfig } from 'swr';
import { Badge, Card } from '../ui/card';
import { Button } from '../ui/button';
import { useConfirm } from '../ui/confirm';
import { FormError } from '../ui/field';
import { ErrorState, SkeletonRows } from '../ui/states';
import { messageOf } from '../../lib/api/errors';
import { useMe, useMembers } from '../../lib/api/hooks';
import { changeRole, removeMember, teamPaths, transferOwnership } from '../../lib/api/teams';
import { formatDate } from '../../lib/format';
import { can } from '@sentrypulse/shared';

export function MembersCard({ team }: { team: Team }) {
  const { data, error, mutate } = useMembers(team.id);
  const me = useMe();
  const [dialog, confirm] = useConfirm();
  const [actionError, setActionError] = useState<string | null>(null);
  const manage = can(team.role, 'members.manage');
  const swr = useSWRConfig();

  async function onTransfer(m: Member) {
    const ok = await confirm({ title: `Make ${m.name} the owner?`, body: 'You become an admin. Only the new owner can change the plan or delete the team.', confirmLabel: 'Transfer ownership', danger: true });
    if (!ok) return;
    setActionError(null);
    try {
      await transferOwnership(team.id, m.user_id);
      await Promise.all([mutate(), swr.mutate(teamPaths.list)]);
    } catch (err) {
      setActionError(messageOf(err));
    }
  }

  async function onRole(m: Member, role: Role) {
    setActionError(null);
    // Optimistic: the select shows the new role at once; a refusal puts the old one back.
    const optimistic = data ? { ...data, items: data.items.map((x) => (x.user_id === m.user_id ? { ...x, role } : x)) } : undefined;
    try {
      await mutate(async () => {
        await changeRole(team.id, m.user_id, role);
        return optimistic;
      }, { optimisticData: optimistic, rollbackOnError: true, revalidate: true });
    } catch (err) {
      setActionError(messageOf(err));
    }
  }

  async function onRemove(m: Member) {
    const ok = await confirm({ title: `Remove ${m.name}?`, body: `${m.email} loses access to ${team.name} at once.`, confirmLabel: 'Remove', danger: true });
    if (!ok) return;
    setActionError(null);
    try {
      await removeMember(team.id, m.user_id);
      await mutate();
    } catch (err) {
      setActionError(messageOf(err));
    }
  }

  return (
    <Card title="Members">
      {dialog}
      {error ? <ErrorState error={error} onRetry={() => mutate()} /> : null}
      {!data && !error ? <SkeletonRows rows={3} height="h-12" /> : null}
      <FormError message={actionError} />
      {data ? (
        <ul className="divide-y divide-border" data-testid="members">
          {data.items.map((m) => {
            const editable = manage && m.role !== 'owner' && m.user_id !== me.data?.user.id && canAssignRole(team.role, m.role);
            return (
              <li key={m.user_id} className="flex flex-wrap items-center gap-3 py-3">
                <div className="min-w-0 flex-1">
                  <p className="truncate text-sm font-medium">
                    {m.name} {m.user_id === me.data?.user.id ? <span className="text-fg-muted">(you)</span> : null}
                  </p>
                  <p className="truncate text-xs text-fg-muted">
                    {m.email} · joined {formatDate(m.joined_at)}
                  </p>
                </div>
                {editable ? (
                  <>
                    <label className="sr-only" htmlFor={`role-${m.user_id}`}>
                      Role of {m.name}
                    </label>
                    <select
                      id={`role-${m.user_id}`}
                      value={m.role}
                      onChange={(e) => onRole(m, e.target.value as Role)}
                      className="rounded-md border border-border bg-surface px-2 py-1 text-sm"
                    >
                      <option value="admin">admin</option>
                      <option value="member">member</option>
                    </select>
                    {can(team.role, 'team.transfer') ? (
                      <Button variant="ghost" onClick={() => onTransfer(m)}>
                        Make owner
                      </Button>
                    ) : null}
                    <Button variant="ghost" onClick={() => onRemove(m)} aria-label={`Remove ${m.name}`}>
                      Remove
                    </Button>
                  </>
                ) : (
                  <Badge tone={m.role === 'owner' ? 'brand' : 'neutral'}>{m.role}</Badge>
                )}
              </li>
            );
          })}
        </ul>
      ) : null}
    </Card>
  );
}
