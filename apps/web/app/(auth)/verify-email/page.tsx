'use client';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { messageOf } from '@/lib/api/errors';
import { tokenFromHash, verifyEmail } from '@/lib/api/security';

type State = { kind: 'working' } | { kind: 'done' } | { kind: 'error'; message: string };

/** Opened from the verification email; works signed in or out. */
export default function VerifyEmailPage() {
  const [state, setState] = useState<State>({ kind: 'working' });
  const ran = useRef(false);
  useEffect(() => {
    if (ran.current) return;
    ran.current = true;
    const token = tokenFromHash();
    if (!token) return setState({ kind: 'error', message: 'This page needs the link from the verification email.' });
    verifyEmail(token)
      .then(() => setState({ kind: 'done' }))
      .catch((err) => setState({ kind: 'error', message: messageOf(err) }));
  }, []);
  return (
    <>
      <h1 className="text-xl font-semibold">Confirm your email address</h1>
      <div className="mt-4 text-sm" aria-live="polite">
        {state.kind === 'working' ? <p className="text-fg-muted">Confirming…</p> : null}
        {state.kind === 'done' ? (
          <div role="status" className="space-y-3">
            <p className="rounded-md border border-up/30 bg-up/10 px-3 py-2 text-up">Your email address is confirmed.</p>
            <Link className="font-medium text-brand hover:underline" href="/">
              Continue to SentryPulse
            </Link>
          </div>
        ) : null}
        {state.kind === 'error' ? (
          <div role="alert" className="space-y-3">
            <p className="text-down">{state.message}</p>
            <p className="text-fg-muted">
              Signed in? Send a new link from <Link className="text-brand hover:underline" href="/account/security">Account → Security</Link>.
            </p>
          </div>
        ) : null}
      </div>
    </>
  );
}
