import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed acknowledge links (SPEC 11, ADR 0121): every alert about an open incident carries
 * `<public url>/ack/<token>`, which acknowledges that one incident without logging in. The token
 * is compact enough for an SMS (55 characters): base64url of 25 bytes (version 1, team, incident,
 * channel (0 = none), expiry in unix seconds, each u32 big-endian, then an 8-byte nonce) followed
 * by the first 16 bytes of an HMAC-SHA256 over them, keyed with a key derived from ENCRYPTION_KEY.
 * Single use is the API's job (the nonce is recorded when the link is used).
 * Server-only (node:crypto): not exported from the package index.
 */

export interface AckClaims {
  teamId: number;
  incidentId: number;
  channelId: number | null;
  /** Unix seconds. */
  expiresAt: number;
  /** 16 hex characters. */
  nonce: string;
}

/** How long a link works: long enough for a night and a weekend, short enough to go stale. */
export const ACK_LINK_TTL_SECONDS = 72 * 3600;
const BODY = 25;
const MAC = 16;

function mac(encryptionKey: Buffer, body: Buffer): Buffer {
  const key = createHmac('sha256', encryptionKey).update('sentrypulse ack-link v1').digest();
  return createHmac('sha256', key).update(body).digest().subarray(0, MAC);
}

export function signAckToken(encryptionKey: Buffer, claims: AckClaims): string {
  const body = Buffer.alloc(BODY);
  body.writeUInt8(1, 0);
  body.writeUInt32BE(claims.teamId, 1);
  body.writeUInt32BE(claims.incidentId, 5);
  body.writeUInt32BE(claims.channelId ?? 0, 9);
  body.writeUInt32BE(claims.expiresAt, 13);
  Buffer.from(claims.nonce, 'hex').copy(body, 17, 0, 8);
  return Buffer.concat([body, mac(encryptionKey, body)]).toString('base64url');
}

export type AckTokenCheck = { ok: true; claims: AckClaims } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

/** Verifies the signature (constant time) and then the expiry; answers the claims. */
export function verifyAckToken(encryptionKey: Buffer, token: string, nowSeconds = Math.floor(Date.now() / 1000)): AckTokenCheck {
  if (!/^[A-Za-z0-9_-]{55}$/.test(token)) return { ok: false, reason: 'malformed' };
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== BODY + MAC || raw.readUInt8(0) !== 1) return { ok: false, reason: 'malformed' };
  const body = raw.subarray(0, BODY);
  if (!timingSafeEqual(mac(encryptionKey, body), raw.subarray(BODY))) return { ok: false, reason: 'forged' };
  const expiresAt = body.readUInt32BE(13);
  if (expiresAt < nowSeconds) return { ok: false, reason: 'expired' };
  const channel = body.readUInt32BE(9);
  return {
    ok: true,
    claims: { teamId: body.readUInt32BE(1), incidentId: body.readUInt32BE(5), channelId: channel === 0 ? null : channel, expiresAt, nonce: body.subarray(17, 25).toString('hex') },
  };
}
