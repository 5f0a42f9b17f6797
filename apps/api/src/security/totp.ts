import { generateSecret, generateURI, verify } from 'otplib';
import { createHash, randomBytes } from 'node:crypto';

/**
 * TOTP per RFC 6238 with otplib: SHA-1, 30 s steps, 6 digits, accepted one step either side
 * (clock drift), and never the same or an earlier step twice (the caller stores the step).
 */
export const TOTP_PERIOD = 30;
const TOLERANCE_SECONDS = TOTP_PERIOD; // ±1 step
export const TOTP_ISSUER = 'SentryPulse';

export function newTotpSecret(): string {
  return generateSecret(); // 20 random bytes, Base32
}

export function otpauthUrl(secret: string, email: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: email, secret, algorithm: 'sha1', digits: 6, period: TOTP_PERIOD });
}

/** The accepted time step, or null: wrong code, outside ±1 step, or a step at or before `lastStep`. */
export async function checkTotp(secret: string, code: string, lastStep: number | null, epochSeconds = Math.floor(Date.now() / 1000)): Promise<number | null> {
  const res = await verify({
    secret,
    token: code,
    algorithm: 'sha1',
    digits: 6,
    period: TOTP_PERIOD,
    epoch: epochSeconds,
    epochTolerance: TOLERANCE_SECONDS,
    ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
  });
  return res.valid && 'timeStep' in res ? res.timeStep : null;
}

// 32 symbols (RFC 4648 base32, lower case), so a byte modulo 32 is unbiased: 50 bits a code.
const RECOVERY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** Ten recovery codes like `k7m2q-x9h4p` (50 bits each), shown once. */
export function newRecoveryCodes(n = 10): string[] {
  const codes: string[] = [];
  for (let i = 0; i < n; i++) {
    const bytes = randomBytes(10);
    const raw = [...bytes].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('');
    codes.push(`${raw.slice(0, 5)}-${raw.slice(5)}`);
  }
  return codes;
}

/** Codes are normalised (lower case, no dash) before hashing, as RecoveryCode parses them. */
export function hashRecoveryCode(code: string): Buffer {
  return createHash('sha256').update(`recovery:${code.toLowerCase().replace(/[\s-]/g, '')}`).digest();
}
