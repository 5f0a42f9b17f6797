'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { RegisterForm } from '@/components/forms/register-form';
import { nextFromLocation } from '@/lib/next-path';
import { teamHref } from '@/lib/team';

export default function RegisterPage() {
  const router = useRouter();
  const [email, setEmail] = useState<string | null>(null);
  useEffect(() => setEmail(new URLSearchParams(window.location.search).get('email') ?? ''), []);
  return (
    <>
      <h1 className="text-xl font-semibold">Create your account</h1>
      <p className="mb-6 mt-1 text-sm text-fg-muted">Monitoring, incidents, status pages and analytics in one place.</p>
      {email === null ? (
        <div className="h-72" />
      ) : (
        <RegisterForm
          initialEmail={email}
          onDone={(teamId) => router.replace(nextFromLocation(teamId ? teamHref(teamId, '/monitors') : '/'))}
        />
      )}
      <p className="mt-6 text-center text-sm text-fg-muted">
        Already have an account?{' '}
        <Link className="font-medium text-brand hover:underline" href="/login">
          Log in
        </Link>
      </p>
    </>
  );
}
