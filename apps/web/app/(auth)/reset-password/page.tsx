'use client';
import { Password } from '@sentrypulse/shared';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { z } from 'zod';
import { Button } from '@/components/ui/button';
import { FormError, TextField } from '@/components/ui/field';
import { confirmPasswordReset, tokenFromHash } from '@/lib/api/security';
import { useZodForm } from '@/lib/forms';

const NewPassword = z
  .object({ password: Password, repeat: z.string() })
  .refine((v) => v.password === v.repeat, { message: 'does not match the new password', path: ['repeat'] });

export default function ResetPasswordPage() {
  const [token, setToken] = useState<string | null | undefined>(undefined);
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [done, setDone] = useState(false);
  useEffect(() => setToken(tokenFromHash()), []);
  const form = useZodForm(NewPassword, async (v) => {
    await confirmPasswordReset(token!, v.password);
    setDone(true);
  });

  if (token === undefined) return null;
  return (
    <>
      <h1 className="text-xl font-semibold">Choose a new password</h1>
      {!token ? (
        <p role="alert" className="mt-4 text-sm text-down">
          This page needs the link from the reset email. <Link className="text-brand hover:underline" href="/forgot-password">Ask for a new one</Link>.
        </p>
      ) : done ? (
        <div role="status" className="mt-4 space-y-3 text-sm">
          <p className="rounded-md border border-up/30 bg-up/10 px-3 py-2 text-up">Your password was changed and every session was signed out.</p>
          <Link className="font-medium text-brand hover:underline" href="/login">
            Log in with the new password
          </Link>
        </div>
      ) : (
        <form
          noValidate
          className="mt-6 space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            void form.submit({ password, repeat });
          }}
        >
          <TextField
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => {
              setPassword(e.target.value);
              form.clearError('password');
            }}
            error={form.errors.password}
            hint="At least 8 characters. Every session is signed out."
          />
          <TextField label="Repeat the new password" name="repeat" type="password" autoComplete="new-password" value={repeat} onChange={(e) => {
              setRepeat(e.target.value);
              form.clearError('repeat');
            }} error={form.errors.repeat} />
          <FormError message={form.formError} />
          <Button type="submit" busy={form.submitting} className="w-full">
            Set new password
          </Button>
        </form>
      )}
    </>
  );
}
