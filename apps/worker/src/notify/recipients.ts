import { unverifiedAccountEmails, type Db } from '@sentrypulse/db';

/**
 * An email channel's recipients minus the addresses of accounts that have not verified them
 * (README "Account security"): an address nobody has registered is the team's own list and is
 * sent to as configured; one that a SentryPulse account claims must be proven first.
 */
export async function verifiedRecipients(db: Db, to: string[]): Promise<{ to: string[]; withheld: string[] }> {
  const unverified = await unverifiedAccountEmails(db, to);
  return { to: to.filter((a) => !unverified.has(a.toLowerCase())), withheld: to.filter((a) => unverified.has(a.toLowerCase())) };
}
