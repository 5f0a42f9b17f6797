'use client';
import { RegisterBody } from '@sentrypulse/shared';
import { useState } from 'react';
import { register } from '../../lib/api/auth';
import { useZodForm } from '../../lib/forms';
import { Button } from '../ui/button';
import { FormError, TextField } from '../ui/field';

export function RegisterForm({ initialEmail = '', onDone }: { initialEmail?: string; onDone: (teamId: number | null) => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const form = useZodForm(RegisterBody, async (body) => {
    const res = await register(body);
    onDone(res.team?.id ?? null);
  });
  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        void form.submit({ name, email, password });
      }}
    >
      <TextField label="Name" name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} error={form.errors.name} />
      <TextField label="Email" name="email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={form.errors.email} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={form.errors.password}
        hint="At least 8 characters."
      />
      <FormError message={form.formError} />
      <Button type="submit" busy={form.submitting} className="w-full">
        Create account
      </Button>
    </form>
  );
}
