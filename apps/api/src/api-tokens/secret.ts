import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `sp_` + 32 bytes of CSPRNG output, base64url (43 characters): 256 bits (ADR 0160). */
export const TOKEN_PATTERN = /^sp_[A-Za-z0-9_-]{43}$/;

export function newTokenSecret(): { token: string; prefix: string; hash: Buffer } {
  const token = `sp_${randomBytes(32).toString('base64url')}`;
  return { token, prefix: token.slice(3, 11), hash: hashToken(token) };
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
