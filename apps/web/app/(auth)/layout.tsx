import Link from 'next/link';
import type { ReactNode } from 'react';

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col items-center justify-center px-4 py-10">
      {/* The logo link sits in a landmark like everything else on the page (axe "region"). */}
      <header className="mb-8">
        <Link href="/" className="flex items-center gap-2 text-lg font-semibold text-fg">
          <span className="grid size-8 place-items-center rounded-md bg-brand text-white" aria-hidden>
            <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} className="size-4">
              <path d="M3 12h4l3-8 4 16 3-8h4" />
            </svg>
          </span>
          SentryPulse
        </Link>
      </header>
      <main className="w-full max-w-sm rounded-xl border border-border bg-surface p-6 shadow-sm sm:p-8">{children}</main>
    </div>
  );
}
