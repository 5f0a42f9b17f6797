'use client';
import { CreateInvitationBody, can, type Team } from '@sentrypulse/shared';
import { useState } from 'react';
import { Badge, Card } from '../ui/card';
import { Button } from '../ui/button';
import { CodeLine } from '../ui/copy';
import { FormError, SelectField, TextField } from '../ui/field';
import { EmptyState, ErrorState, SkeletonRows } from '../ui/states';
import { useInvitations } from '../../lib/api/hooks';
import { createInvitation, revokeInvitation } from '../../lib/api/teams';
import { useZodForm } from '../../lib/forms';
import { formatDate } from '../../lib/format';
import { messageOf } from '../../lib/api/errors';

export function InvitationsCard({ team }: { team: Team }) {
  const { data, error, mutate } = useInvitations(team.id);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'admin' | 'member'>('member');
  const [link, setLink] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const form = useZodForm(CreateInvitationBody, async (body) => {
    const inv = await createInvitation(team.id, body);
    // The accept link carries the secret token and is shown only now.
    setLink(new URL(`/invitations/${inv.token}`, window.location.origin).toString());
    setEmail('');
    await mutate();
  });
  const manage = can(team.role, 'members.manage');

  return (
    <Card title="Invitations">
      {manage ? (
        <form
          noValidate
          className="grid gap-3 sm:grid-cols-[1fr_10rem_auto] sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            setLink(null);
            void form.submit({ email, role });
          }}
        >
          <TextField label="Email" name="invite-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} error={form.errors.email} />
          <SelectField label="Role" name="invite-role" value={role} onChange={(e) => setRole(e.target.value as 'admin' | 'member')} error={form.errors.role}>
            <option value="member">member</option>
            <option value="admin">admin</option>
          </SelectField>
          <Button type="submit" busy={form.submitting} className={form.errors.email ? 'sm:mb-5' : ''}>
            Invite
          </Button>
        </form>
      ) : (
        <p className="text-sm text-fg-muted">Only owners and admins can invite people.</p>
      )}
      <div className="mt-3">
        <FormError message={form.formError ?? actionError} />
      </div>
      {link ? (
        <div className="mt-3 space-y-1" data-testid="invite-link">
          <p className="text-sm">Send this link to the person you invited (it is shown only once):</p>
          <CodeLine text={link} />
        </div>
      ) : null}
      <div className="mt-4">
        {error ? <ErrorState error={error} onRetry={() => mutate()} /> : null}
        {!data && !error ? <SkeletonRows rows={2} height="h-10" /> : null}
        {data && data.items.length === 0 ? (
          <EmptyState title="No pending invitations">Invite a teammate by email; they get a link to join with the role you choose.</EmptyState>
        ) : null}
        {data && data.items.length > 0 ? (
          <ul className="divide-y divide-border">
            {data.items.map((inv) => (
              <li key={inv.id} className="flex flex-wrap items-center gap-3 py-2.5">
                <div className="min-w-0 flex-1">
                  <p className="truncate text-sm">{inv.email}</p>
                  <p className="text-xs text-fg-muted">expires {formatDate(inv.expires_at)}</p>
                </div>
                <Badge>{inv.role}</Badge>
                {manage ? (
                  <Button
                    variant="ghost"
                    onClick={async () => {
                      setActionError(null);
                      try {
                        await revokeInvitation(team.id, inv.id);
                        await mutate();
                      } catch (err) {
                        setActionError(messageOf(err));
                      }
                    }}
                  >
                    Revoke
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </Card>
  );
}
