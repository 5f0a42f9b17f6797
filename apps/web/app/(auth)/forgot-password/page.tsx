'use client';
import { PasswordResetBody } from '@sentrypulse/shared';
import Link from 'next/link';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { FormError, TextField } from '@/components/ui/field';
import { requestPasswordReset } from '@/lib/api/security';
import { useZodForm } from '@/lib/forms';

export default function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const form = useZodForm(PasswordResetBody, async (body) => {
    const res = await requestPasswordReset(body.email);
    setSent(res.detail);
  });
  return (
    <>
      <h1 className="text-xl font-semibold">Reset your password</h1>
      {sent ? (
        <p role="status" className="mt-4 rounded-md border border-up/30 bg-up/10 px-3 py-2 text-sm text-up">
          {sent}
        </p>
      ) : (
        <>
          <p className="mb-6 mt-1 text-sm text-fg-muted">We will email you a link to choose a new one.</p>
          <form
            noValidate
            className="space-y-4"
            onSubmit={(e) => {
              e.preventDefault();
              void form.submit({ email });
            }}
          >
            <TextField label="Email" name="email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={form.errors.email} />
            <FormError message={form.formError} />
            <Button type="submit" busy={form.submitting} className="w-full">
              Send reset link
            </Button>
          </form>
        </>
      )}
      <p className="mt-6 text-center text-sm text-fg-muted">
        <Link className="font-medium text-brand hover:underline" href="/login">
          Back to log in
        </Link>
      </p>
    </>
  );
}
