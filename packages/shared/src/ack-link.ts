import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed acknowledge links (SPEC 11, ADR 0121): every alert about an open incident carries
 * `<public url>/ack/<token>`, which acknowledges that one incident without logging in. The token
 * is `<payload>.<signature>`: base64url JSON {t: team, i: incident, c: channel, e: expiry (unix
 * seconds), n: nonce} and a base64url HMAC-SHA256 over the payload with a key derived from
 * ENCRYPTION_KEY. Single use is the API's job (the nonce is recorded when the link is used).
 * Server-only (node:crypto): not exported from the package index.
 */

export interface AckClaims {
  teamId: number;
  incidentId: number;
  channelId: number | null;
  /** Unix seconds. */
  expiresAt: number;
  nonce: string;
}

/** How long a link works: long enough for a night and a weekend, short enough to be stale. */
export const ACK_LINK_TTL_SECONDS = 72 * 3600;

function keyOf(encryptionKey: Buffer): Buffer {
  return createHmac('sha256', encryptionKey).update('sentrypulse ack-link v1').digest();
}

function sign(encryptionKey: Buffer, payload: string): string {
  return createHmac('sha256', keyOf(encryptionKey)).update(payload).digest('base64url');
}

export function signAckToken(encryptionKey: Buffer, claims: AckClaims): string {
  const payload = Buffer.from(JSON.stringify({ t: claims.teamId, i: claims.incidentId, c: claims.channelId, e: claims.expiresAt, n: claims.nonce })).toString('base64url');
  return `${payload}.${sign(encryptionKey, payload)}`;
}

export type AckTokenCheck = { ok: true; claims: AckClaims } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

/** Verifies the signature (constant time) and the expiry; answers the claims. */
export function verifyAckToken(encryptionKey: Buffer, token: string, nowSeconds = Math.floor(Date.now() / 1000)): AckTokenCheck {
  const m = /^([A-Za-z0-9_-]{10,400})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const [, payload, signature] = m as unknown as [string, string, string];
  const expected = Buffer.from(sign(encryptionKey, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'forged' };
  let raw: { t?: unknown; i?: unknown; c?: unknown; e?: unknown; n?: unknown };
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof raw;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const int = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (!int(raw.t) || !int(raw.i) || !int(raw.e) || typeof raw.n !== 'string' || !/^[A-Za-z0-9_-]{8,64}$/.test(raw.n) || !(raw.c === null || int(raw.c))) {
    return { ok: false, reason: 'malformed' };
  }
  if ((raw.e as number) < nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { teamId: raw.t as number, incidentId: raw.i as number, channelId: (raw.c as number | null) ?? null, expiresAt: raw.e as number, nonce: raw.n } };
}
