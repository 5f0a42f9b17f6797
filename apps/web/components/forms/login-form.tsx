'use client';
import { LoginBody } from '@sentrypulse/shared';
import { useState } from 'react';
import { login } from '../../lib/api/auth';
import { useZodForm } from '../../lib/forms';
import { Button } from '../ui/button';
import { FormError, TextField } from '../ui/field';

export function LoginForm({ onDone }: { onDone: (teamId: number | null) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useZodForm(LoginBody, async (body) => {
    const res = await login(body);
    onDone(res.team?.id ?? null);
  });
  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        void form.submit({ email, password });
      }}
    >
      <TextField label="Email" name="email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={form.errors.email} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={form.errors.password}
      />
      <FormError message={form.formError} />
      <Button type="submit" busy={form.submitting} className="w-full">
        Log in
      </Button>
    </form>
  );
}
