import { encryptUserSecret } from '@sentrypulse/db';
import { insertUser } from '../auth/queries';
import { hashPassword } from '../auth/passwords';
import { enableTotp, insertSecurityEvent, markEmailVerified, replaceRecoveryCodes, setPendingTotp } from '../security/queries';
import { hashRecoveryCode } from '../security/totp';
import { insertMember } from '../teams/queries';
import { deleteUserByEmail } from './queries';
import { DEMO_EMAIL, DEMO_PASSWORD, type DemoContext } from './seed';

/** A second demo account, admin of the demo team, with two-factor authentication on. */
export const DEMO_2FA_EMAIL = 'demo-2fa@sentrypulse.dev';
/** Its TOTP secret (demo only, documented in docs/security.md): add it to an authenticator app by hand. */
export const DEMO_2FA_SECRET = 'DEMODEMODEMODEMODEMODEMODEMODEMO';
/** Its recovery codes (each works once). */
export const DEMO_2FA_RECOVERY_CODES = Array.from({ length: 10 }, (_, i) => `demoa-${String(i + 1).padStart(5, '0')}`);

/**
 * Account security in the demo: the demo user's address is verified (so its alert emails go out
 * and the verify banner stays away), and a second member signs in with 2FA.
 */
export async function seedSecurity(ctx: DemoContext): Promise<void> {
  await markEmailVerified(ctx.db, ctx.userId, DEMO_EMAIL);
  // Left over from a seed that failed after this step (the seed removes only the demo user and team).
  await deleteUserByEmail(ctx.db, DEMO_2FA_EMAIL);
  const id = await insertUser(ctx.db, { name: 'Demo (2FA)', email: DEMO_2FA_EMAIL, passwordHash: await hashPassword(DEMO_PASSWORD) });
  await markEmailVerified(ctx.db, id, DEMO_2FA_EMAIL);
  await setPendingTotp(ctx.db, id, encryptUserSecret(ctx.config.encryptionKey, id, DEMO_2FA_SECRET));
  // Step 0 as the last used one: any current code is accepted at the first sign-in.
  await enableTotp(ctx.db, id, 0);
  await replaceRecoveryCodes(ctx.db, id, DEMO_2FA_RECOVERY_CODES.map(hashRecoveryCode));
  await insertMember(ctx.db, ctx.teamId, id, 'admin');
  await insertSecurityEvent(ctx.db, { userId: id, event: 'mfa.enabled', ip: null, detail: 'demo seed' });
}
