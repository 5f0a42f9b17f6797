import type { Db } from '../connection';

/**
 * Of `emails`, those that belong to a SentryPulse account that has not verified its address
 * (account security, SPEC 13): the worker sends them no alert email until it has.
 */
export async function unverifiedAccountEmails(db: Db, emails: string[]): Promise<Set<string>> {
  const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()))].filter(Boolean);
  if (wanted.length === 0) return new Set();
  const rows = await db.selectFrom('users').select('email').where('email', 'in', wanted).where('email_verified_at', 'is', null).execute();
  return new Set(rows.map((r) => r.email.toLowerCase()));
}
