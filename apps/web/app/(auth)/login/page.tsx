'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { LoginForm } from '@/components/forms/login-form';
import { nextFromLocation } from '@/lib/next-path';

export default function LoginPage() {
  const router = useRouter();
  return (
    <>
      <h1 className="text-xl font-semibold">Log in</h1>
      <p className="mb-6 mt-1 text-sm text-fg-muted">Welcome back.</p>
      <LoginForm onDone={() => router.replace(nextFromLocation('/'))} />
      <p className="mt-6 text-center text-sm text-fg-muted">
        New here?{' '}
        <Link className="font-medium text-brand hover:underline" href="/register">
          Create an account
        </Link>
      </p>
    </>
  );
}
