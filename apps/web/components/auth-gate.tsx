'use client';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useState, type ReactNode } from 'react';
import { SWRConfig, mutate as mutateAll } from 'swr';
import { ApiError } from '../lib/api/errors';
import { getAccessToken, onSessionChange } from '../lib/api/session';
import { Skeleton } from './ui/states';

function loginHref(pathname: string) {
  return pathname && pathname !== '/' ? `/login?next=${encodeURIComponent(pathname)}` : '/login';
}

/** The same frame the shell draws, so the page does not jump when the session resolves. */
function ShellPlaceholder() {
  return (
    <div className="min-h-dvh" role="status" aria-label="Loading">
      <div className="fixed inset-y-0 left-0 hidden w-64 border-r border-border bg-surface p-4 lg:block">
        <Skeleton className="h-7 w-32" />
        <Skeleton className="mt-4 h-10 w-full" />
      </div>
      <div className="h-14 border-b border-border bg-surface lg:hidden" />
      <div className="lg:pl-64">
        <div className="mx-auto max-w-6xl px-4 py-6 sm:px-6 lg:py-8">
          <Skeleton className="h-8 w-48" />
          <Skeleton className="mt-6 h-64 w-full" />
        </div>
      </div>
    </div>
  );
}

/**
 * Signed-out users go to /login (with ?next= back here). The access token only lives in memory,
 * so a reload starts by exchanging the refresh cookie for one; logging out in another tab
 * (broadcast) sends this tab to /login too.
 */
export function AuthGate({ children }: { children: ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let alive = true;
    getAccessToken().then((token) => {
      if (!alive) return;
      if (token) setReady(true);
      else router.replace(loginHref(pathname));
    });
    const off = onSessionChange((token) => {
      if (token) return;
      // Signed out (here or in another tab): drop every cached answer so the next account that
      // signs in on this browser never sees the previous one's data.
      void mutateAll(() => true, undefined, { revalidate: false });
      router.replace('/login');
    });
    return () => {
      alive = false;
      off();
    };
    // Only on mount: navigation inside the app keeps the session.
  }, []);

  if (!ready) return <ShellPlaceholder />;
  return (
    <SWRConfig
      value={{
        errorRetryCount: 2,
        onError: (err) => {
          if (err instanceof ApiError && err.status === 401) router.replace(loginHref(pathname));
        },
      }}
    >
      {children}
    </SWRConfig>
  );
}
