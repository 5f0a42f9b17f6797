import { createHash, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_DAYS = 30;
const ISSUER = 'sentrypulse';
const AUDIENCE = 'sentrypulse-api';

export function signAccessToken(secret: string, userId: number): string {
  return jwt.sign({ typ: 'access' }, secret, {
    algorithm: 'HS256',
    subject: String(userId),
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    issuer: ISSUER,
    audience: AUDIENCE,
  });
}

/** Returns the user id, or null for an expired, tampered or foreign token. */
export function verifyAccessToken(secret: string, token: string): number | null {
  try {
    const payload = jwt.verify(token, secret, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
    if (typeof payload !== 'object' || payload.typ !== 'access') return null;
    const id = Number(payload.sub);
    return Number.isSafeInteger(id) && id > 0 ? id : null;
  } catch {
    return null;
  }
}

/** Opaque secrets (refresh tokens, invitation tokens): random, URL-safe, stored only hashed. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export function newFamilyId(): string {
  return randomBytes(16).toString('hex');
}
