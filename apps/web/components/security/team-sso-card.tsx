'use client';
import { TeamSso, TeamSsoBody, type TeamMembership } from '@sentrypulse/shared';
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { CodeLine } from '@/components/ui/copy';
import { FormError, SelectField, TextField } from '@/components/ui/field';
import { useApi } from '@/lib/api/hooks';
import { removeTeamSso, saveTeamSso, ssoPath } from '@/lib/api/security';
import { useZodForm } from '@/lib/forms';

/** Owners: the team's OpenID Connect provider, the default role of new members, "SSO required". */
export function TeamSsoCard({ team }: { team: TeamMembership }) {
  const current = useApi(TeamSso.nullable(), team.role === 'owner' ? ssoPath(team.id) : null, { shouldRetryOnError: false });
  const [issuer, setIssuer] = useState('');
  const [clientId, setClientId] = useState('');
  const [secret, setSecret] = useState('');
  const [role, setRole] = useState<'admin' | 'member'>('member');
  const [required, setRequired] = useState(false);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!current.data) return;
    setIssuer(current.data.issuer);
    setClientId(current.data.client_id);
    setRole(current.data.default_role);
    setRequired(current.data.sso_required);
  }, [current.data]);
  const form = useZodForm(TeamSsoBody, async (body) => {
    await current.mutate(await saveTeamSso(team.id, body), { revalidate: false });
    setSecret('');
    setSaved(true);
  });
  if (team.role !== 'owner') return null;
  const s = current.data;
  return (
    <Card title="Single sign-on (OpenID Connect)">
      <form
        noValidate
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          void form.submit({ issuer, client_id: clientId, ...(secret ? { client_secret: secret } : {}), default_role: role, sso_required: required, enabled: true });
        }}
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label="Issuer URL" name="sso-issuer" placeholder="https://login.example.com" value={issuer} onChange={(e) => setIssuer(e.target.value)} error={form.errors.issuer} />
          <TextField label="Client ID" name="sso-client-id" value={clientId} onChange={(e) => setClientId(e.target.value)} error={form.errors.client_id} />
          <TextField
            label="Client secret"
            name="sso-client-secret"
            type="password"
            autoComplete="off"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            error={form.errors.client_secret}
            hint={s?.client_secret_set ? 'Stored (encrypted). Leave empty to keep it.' : 'Stored encrypted, never shown again.'}
          />
          <SelectField label="Role of new members" name="sso-role" value={role} onChange={(e) => setRole(e.target.value as 'admin' | 'member')}>
            <option value="member">Member</option>
            <option value="admin">Admin</option>
          </SelectField>
        </div>
        <label className="flex items-start gap-3 text-sm">
          <input type="checkbox" className="mt-0.5 size-4 accent-[var(--color-brand)]" checked={required} onChange={(e) => setRequired(e.target.checked)} />
          <span>
            <span className="font-medium">Require single sign-on</span>
            <span className="block text-fg-muted">Members (not the owner) can no longer sign in with a password.</span>
          </span>
        </label>
        <FormError message={form.formError} />
        {saved ? (
          <p role="status" className="text-sm text-up">
            Saved: the provider answered its discovery document.
          </p>
        ) : null}
        <div className="flex flex-wrap gap-2">
          <Button type="submit" busy={form.submitting}>
            {s ? 'Save' : 'Turn on single sign-on'}
          </Button>
          {s ? (
            <Button
              variant="secondary"
              onClick={async () => {
                await removeTeamSso(team.id);
                await current.mutate(null, { revalidate: true });
              }}
            >
              Remove
            </Button>
          ) : null}
        </div>
      </form>
      {s ? (
        <div className="mt-4 space-y-2 text-sm">
          <p className="text-fg-muted">Redirect URI to register at the provider:</p>
          <CodeLine text={s.redirect_uri} />
          <p className="text-fg-muted">Sign-in link for members:</p>
          <CodeLine text={s.login_url} />
        </div>
      ) : null}
    </Card>
  );
}
