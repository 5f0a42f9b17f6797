'use client';
import { ChangePasswordBody, UpdateProfileBody } from '@sentrypulse/shared';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card, PageHeader } from '@/components/ui/card';
import { FormError, TextField } from '@/components/ui/field';
import { SkeletonRows } from '@/components/ui/states';
import { changePassword, logout, updateProfile } from '@/lib/api/auth';
import { useMe } from '@/lib/api/hooks';
import { useZodForm } from '@/lib/forms';
import { useTheme, type ThemeChoice } from '@/lib/theme';

export default function AccountPage() {
  const { data, mutate } = useMe();
  const router = useRouter();
  const [name, setName] = useState('');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [theme, setTheme] = useTheme();
  useEffect(() => setName(data?.user.name ?? ''), [data?.user.name]);

  const profile = useZodForm(UpdateProfileBody, async (body) => {
    await updateProfile(body.name);
    await mutate();
    setNotice('Profile saved.');
  });
  const password = useZodForm(ChangePasswordBody, async (body) => {
    await changePassword(body);
    setCurrent('');
    setNext('');
    setNotice('Password changed. Every other session was signed out.');
  });

  if (!data) return <SkeletonRows rows={3} height="h-40" />;
  return (
    <>
      <PageHeader title="Account" description={data.user.email} />
      {notice ? (
        <p role="status" className="mb-4 rounded-md border border-up/30 bg-up/10 px-3 py-2 text-sm text-up">
          {notice}
        </p>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Profile">
          <form
            noValidate
            className="space-y-4"
            onSubmit={(e) => {
              e.preventDefault();
              setNotice(null);
              void profile.submit({ name });
            }}
          >
            <TextField label="Name" name="name" value={name} onChange={(e) => setName(e.target.value)} error={profile.errors.name} />
            <FormError message={profile.formError} />
            <Button type="submit" busy={profile.submitting}>
              Save profile
            </Button>
          </form>
        </Card>
        <Card title="Password">
          <form
            noValidate
            className="space-y-4"
            onSubmit={(e) => {
              e.preventDefault();
              setNotice(null);
              void password.submit({ current_password: current, new_password: next });
            }}
          >
            <TextField
              label="Current password"
              name="current_password"
              type="password"
              autoComplete="current-password"
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
              error={password.errors.current_password}
            />
            <TextField
              label="New password"
              name="new_password"
              type="password"
              autoComplete="new-password"
              value={next}
              onChange={(e) => setNext(e.target.value)}
              error={password.errors.new_password}
              hint="At least 8 characters. Other sessions are signed out."
            />
            <FormError message={password.formError} />
            <Button type="submit" busy={password.submitting}>
              Change password
            </Button>
          </form>
        </Card>
        <Card title="Appearance">
          <fieldset className="flex flex-wrap gap-4">
            <legend className="sr-only">Theme</legend>
            {(['light', 'dark', 'system'] as ThemeChoice[]).map((t) => (
              <label key={t} className="flex items-center gap-2 text-sm capitalize">
                <input type="radio" name="theme" value={t} checked={theme === t} onChange={() => setTheme(t)} className="accent-[var(--color-brand)]" />
                {t}
              </label>
            ))}
          </fieldset>
        </Card>
        <Card title="Sessions">
          <p className="text-sm text-fg-muted">
            See and end each session, set up two-factor authentication or change your email under{' '}
            <Link href="/account/security" className="text-brand hover:underline">
              Security
            </Link>
            . Or sign out on every device, including this one.
          </p>
          <Button
            variant="secondary"
            className="mt-3"
            onClick={async () => {
              await logout(true).catch(() => undefined);
              router.replace('/login');
            }}
          >
            Log out everywhere
          </Button>
        </Card>
      </div>
    </>
  );
}
