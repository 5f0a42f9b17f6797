'use client';
import { SecurityEventList } from '@sentrypulse/shared';
import { Card } from '@/components/ui/card';
import { ErrorState, SkeletonRows } from '@/components/ui/states';
import { useApi } from '@/lib/api/hooks';
import { formatDateTime } from '@/lib/format';
import { securityPaths } from '@/lib/api/security';

const LABELS: Record<string, string> = {
  'login.failed': 'Failed sign-in (wrong password)',
  'mfa.code_failed': 'Wrong two-factor code',
  'mfa.recovery_code_failed': 'Wrong recovery code',
  'mfa.enable_failed': 'Wrong code while turning on 2FA',
  'mfa.recovery_code_used': 'Recovery code used',
  'mfa.enabled': 'Two-factor authentication turned on',
  'mfa.disabled': 'Two-factor authentication turned off',
  'mfa.recovery_codes_regenerated': 'New recovery codes',
  'password_reset.requested': 'Password reset requested',
  'password_reset.completed': 'Password reset',
  'password.changed': 'Password changed',
  'email.verified': 'Email address verified',
  'email.change_requested': 'Email change requested',
  'email.changed': 'Email address changed',
  'session.revoked': 'Session signed out',
  'session.revoked_others': 'Other sessions signed out',
  'sso.login': 'Signed in with single sign-on',
};

/** The account's recent security events, so an owner notices attempts they did not make. */
export function ActivityCard() {
  const events = useApi(SecurityEventList, securityPaths.events);
  return (
    <Card title="Recent security activity">
      {events.error ? (
        <ErrorState error={events.error} onRetry={() => events.mutate()} />
      ) : !events.data ? (
        <SkeletonRows rows={3} height="h-6" />
      ) : events.data.items.length === 0 ? (
        <p className="text-sm text-fg-muted">Nothing yet.</p>
      ) : (
        <ul className="divide-y divide-border text-sm" aria-label="Security activity">
          {events.data.items.slice(0, 15).map((e) => (
            <li key={e.id} className="flex flex-col gap-0.5 py-2 sm:flex-row sm:justify-between">
              <span>{LABELS[e.event] ?? e.event}</span>
              <span className="text-xs text-fg-muted">
                {formatDateTime(e.created_at)}
                {e.ip ? ` · network ${e.ip}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
