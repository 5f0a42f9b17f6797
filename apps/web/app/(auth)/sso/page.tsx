'use client';
import Link from 'next/link';
import { useState } from 'react';
import { z } from 'zod';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { useZodForm } from '@/lib/forms';

const TeamId = z.object({ team: z.coerce.number({ error: 'must be the number in your team’s sign-in link' }).int().positive('must be the number in your team’s sign-in link') });

/** Single sign-on: the team's sign-in link is /api/auth/sso/<team>/start; this page builds it. */
export default function SsoPage() {
  const [team, setTeam] = useState('');
  const form = useZodForm(TeamId, (v) => {
    window.location.assign(`/api/auth/sso/${v.team}/start`);
  });
  return (
    <>
      <h1 className="text-xl font-semibold">Sign in with single sign-on</h1>
      <p className="mb-6 mt-1 text-sm text-fg-muted">Your team owner gives you the team’s sign-in link, or its team number.</p>
      <form
        noValidate
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          void form.submit({ team });
        }}
      >
        <TextField label="Team number" name="team" inputMode="numeric" value={team} onChange={(e) => setTeam(e.target.value)} error={form.errors.team} />
        <Button type="submit" busy={form.submitting} className="w-full">
          Continue to your provider
        </Button>
      </form>
      <p className="mt-6 text-center text-sm text-fg-muted">
        <Link className="font-medium text-brand hover:underline" href="/login">
          Log in with a password
        </Link>
      </p>
    </>
  );
}
