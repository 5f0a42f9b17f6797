'use client';
import Link from 'next/link';
import { ActivityCard } from '@/components/security/activity-card';
import { EmailCard } from '@/components/security/email-card';
import { SessionsCard } from '@/components/security/sessions-card';
import { TwoFactorCard } from '@/components/security/two-factor-card';
import { PageHeader } from '@/components/ui/card';

export default function AccountSecurityPage() {
  return (
    <>
      <PageHeader
        title="Security"
        description={
          <>
            Two-factor authentication, your email address and where you are signed in. Password and profile are under{' '}
            <Link href="/account" className="text-brand hover:underline">
              Account
            </Link>
            .
          </>
        }
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <TwoFactorCard />
        <EmailCard />
        <div className="lg:col-span-2">
          <SessionsCard />
        </div>
        <div className="lg:col-span-2">
          <ActivityCard />
        </div>
      </div>
    </>
  );
}
