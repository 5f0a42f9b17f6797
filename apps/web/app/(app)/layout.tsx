import type { ReactNode } from 'react';
import { AuthGate } from '@/components/auth-gate';
import { AppShell } from '@/components/shell/shell';

export default function AppLayout({ children }: { children: ReactNode }) {
  return (
    <AuthGate>
      <AppShell>{children}</AppShell>
    </AuthGate>
  );
}
