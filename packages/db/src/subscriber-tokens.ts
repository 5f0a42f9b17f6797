import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Subscriber tokens (ADR 0131). None is stored in the clear:
 * - the manage/unsubscribe token of a subscriber is `<id>.<mac>`, the MAC an HMAC-SHA256 of the
 *   id and the row's `token_nonce` under ENCRYPTION_KEY: the worker can put it in every email
 *   without the database ever holding it, and rotating the nonce revokes every old link;
 * - the confirmation token is derived the same way from `confirm_nonce`, and the row keeps its
 *   SHA-256 (looked up by hash) and an expiry; confirming clears both, so it works once;
 * - addresses are remembered after unsubscribe only as an HMAC of type and address.
 */

function mac(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text).digest('base64url').slice(0, 32);
}

export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Lower-cased email, or the URL as given (URLs are case-sensitive in their path). */
export function normaliseAddress(type: string, address: string): string {
  return type === 'email' ? address.trim().toLowerCase() : address.trim();
}

export function addressHash(key: Buffer, type: string, address: string): string {
  return createHmac('sha256', key).update(`address:${type}:${normaliseAddress(type, address)}`).digest('hex');
}

export function manageToken(key: Buffer, subscriberId: string | number, nonce: string): string {
  return `${subscriberId}.${mac(key, `manage:${subscriberId}:${nonce}`)}`;
}

export function confirmToken(key: Buffer, subscriberId: string | number, confirmNonce: string): string {
  return `c${subscriberId}.${mac(key, `confirm:${subscriberId}:${confirmNonce}`)}`;
}

/** The subscriber id a manage token claims, or null when it is not shaped like one. */
export function manageTokenId(token: string): string | null {
  const m = /^([1-9]\d{0,19})\.[A-Za-z0-9_-]{32}$/.exec(token);
  return m ? m[1]! : null;
}

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Where and what a team puts in DNS to prove it controls a custom domain (ADR 0137). */
export function domainTxtName(domain: string): string {
  return `_sentrypulse.${domain}`;
}

export function domainTxtValue(key: Buffer, teamId: number, domain: string): string {
  return `sentrypulse-verification=${mac(key, `domain:${teamId}:${domain.toLowerCase()}`)}`;
}
