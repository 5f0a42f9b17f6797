import type { ReactNode } from 'react';
import { AuthGate } from '@/components/auth-gate';
import { AppShell } from '@/components/shell/shell';
import { VerifyEmailBanner } from '@/components/security/verify-banner';

export default function AppLayout({ children }: { children: ReactNode }) {
  return (
    <AuthGate>
      <AppShell>
        <VerifyEmailBanner />
        {children}
      </AppShell>
    </AuthGate>
  );
}
