'use client';
import { LoginBody, LoginTwoFactorBody } from '@sentrypulse/shared';
import Link from 'next/link';
import { useState } from 'react';
import { loginStep, loginTwoFactor } from '../../lib/api/security';
import { useZodForm } from '../../lib/forms';
import { Button } from '../ui/button';
import { FormError, TextField } from '../ui/field';

/** Email and password, then (for accounts with 2FA) the authenticator code or a recovery code. */
export function LoginForm({ onDone }: { onDone: (teamId: number | null) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const form = useZodForm(LoginBody, async (body) => {
    const res = await loginStep(body);
    if ('mfa_required' in res) {
      setPassword('');
      setMfaToken(res.mfa_token);
      return;
    }
    onDone(res.team?.id ?? null);
  });
  if (mfaToken) return <SecondStep mfaToken={mfaToken} onDone={onDone} onRestart={() => setMfaToken(null)} />;
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
      <p className="flex justify-between text-sm">
        <Link className="text-brand hover:underline" href="/forgot-password">
          Forgot your password?
        </Link>
        <Link className="text-brand hover:underline" href="/sso">
          Single sign-on
        </Link>
      </p>
    </form>
  );
}

function SecondStep({ mfaToken, onDone, onRestart }: { mfaToken: string; onDone: (teamId: number | null) => void; onRestart: () => void }) {
  const [useRecovery, setUseRecovery] = useState(false);
  const [value, setValue] = useState('');
  const form = useZodForm(LoginTwoFactorBody, async (body) => {
    const res = await loginTwoFactor(body);
    onDone(res.team?.id ?? null);
  });
  return (
    <form
      noValidate
      className="space-y-4"
      aria-labelledby="mfa-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void form.submit(useRecovery ? { mfa_token: mfaToken, recovery_code: value } : { mfa_token: mfaToken, code: value });
      }}
    >
      <h2 id="mfa-heading" className="text-base font-semibold">
        Two-factor authentication
      </h2>
      <p className="text-sm text-fg-muted">
        {useRecovery ? 'Enter one of your recovery codes. Each works once.' : 'Enter the 6-digit code from your authenticator app.'}
      </p>
      {useRecovery ? (
        <TextField
          key="recovery"
          label="Recovery code"
          name="recovery_code"
          autoComplete="off"
          autoFocus
          value={value}
          onChange={(e) => setValue(e.target.value)}
          error={form.errors.recovery_code ?? form.errors.code}
          placeholder="abcde-12345"
        />
      ) : (
        <TextField
          key="code"
          label="Authentication code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          autoFocus
          maxLength={6}
          value={value}
          onChange={(e) => setValue(e.target.value.replace(/\D/g, ''))}
          error={form.errors.code}
          placeholder="123456"
        />
      )}
      <FormError message={form.formError} />
      <Button type="submit" busy={form.submitting} className="w-full">
        Verify
      </Button>
      <div className="flex justify-between text-sm">
        <button
          type="button"
          className="text-brand hover:underline"
          onClick={() => {
            setUseRecovery(!useRecovery);
            setValue('');
          }}
        >
          {useRecovery ? 'Use the authenticator app' : 'Use a recovery code'}
        </button>
        <button type="button" className="text-fg-muted hover:underline" onClick={onRestart}>
          Start over
        </button>
      </div>
    </form>
  );
}
