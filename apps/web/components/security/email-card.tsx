'use client';
import { ChangeEmailBody } from '@sentrypulse/shared';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { FormError, TextField } from '@/components/ui/field';
import { useMe } from '@/lib/api/hooks';
import { changeEmail } from '@/lib/api/security';
import { useZodForm } from '@/lib/forms';

export function EmailCard() {
  const { data } = useMe();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const form = useZodForm(ChangeEmailBody, async (body) => {
    setNote((await changeEmail(body.email, body.password)).detail);
    setPassword('');
  });
  return (
    <Card title="Email address">
      <p className="mb-3 text-sm">
        {data?.user.email}{' '}
        {data ? (
          data.user.email_verified ? (
            <span className="rounded bg-up/15 px-1.5 py-0.5 text-xs text-up">Verified</span>
          ) : (
            <span className="rounded bg-degraded/15 px-1.5 py-0.5 text-xs text-degraded">Not verified</span>
          )
        ) : null}
      </p>
      <form
        noValidate
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          setNote(null);
          void form.submit({ email, password });
        }}
      >
        <TextField label="New email address" name="new-email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={form.errors.email} />
        <TextField
          label="Password"
          name="email-password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={form.errors.password}
          hint="The address changes once the new one confirms; the current one is told."
        />
        <FormError message={form.formError} />
        {note ? (
          <p role="status" className="text-sm text-up">
            {note}
          </p>
        ) : null}
        <Button type="submit" variant="secondary" busy={form.submitting}>
          Change email
        </Button>
      </form>
    </Card>
  );
}
