import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Channel secrets at rest (ADR 0020): AES-256-GCM with the 32-byte ENCRYPTION_KEY, a fresh 12-byte
 * IV per value, and the owning team as associated data, so a ciphertext copied into another team's
 * row does not decrypt. Format: `v1.<iv>.<tag>.<ciphertext>` (base64url), versioned for rotation.
 * The API encrypts when storing, the worker decrypts when sending; nothing else sees plaintext.
 */
const VERSION = 'v1';

function aad(teamId: number): Buffer {
  return Buffer.from(`team:${teamId}`);
}

function checkKey(key: Buffer): void {
  if (key.length !== 32) throw new Error('encryption key must be 32 bytes');
}

export function encryptSecret(key: Buffer, teamId: number, plaintext: string): string {
  checkKey(key);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(teamId));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join('.');
}

export class SecretDecryptionError extends Error {
  override name = 'SecretDecryptionError';
}

export function decryptSecret(key: Buffer, teamId: number, value: string): string {
  checkKey(key);
  const parts = value.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretDecryptionError('unknown secret format');
  const [, iv, tag, ct] = parts as [string, string, string, string];
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(aad(teamId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    // Wrong key, wrong team or tampered: never say which, never include the value.
    throw new SecretDecryptionError('channel secret could not be decrypted (wrong ENCRYPTION_KEY?)');
  }
}

/** Encrypts a JSON object of secret fields; null when there is nothing secret. */
export function encryptSecrets(key: Buffer, teamId: number, secrets: Record<string, string>): string | null {
  return Object.keys(secrets).length === 0 ? null : encryptSecret(key, teamId, JSON.stringify(secrets));
}

export function decryptSecrets(key: Buffer, teamId: number, value: string | null): Record<string, string> {
  if (!value) return {};
  return JSON.parse(decryptSecret(key, teamId, value)) as Record<string, string>;
}

/**
 * A user's own secret (their TOTP seed), with the same AES-256-GCM format and key as channel
 * secrets but `user:<id>` as associated data: it decrypts only on that user's row, never as a
 * team's channel secret.
 */
export function encryptUserSecret(key: Buffer, userId: number, plaintext: string): string {
  checkKey(key);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`user:${userId}`));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
}

export function decryptUserSecret(key: Buffer, userId: number, value: string): string {
  checkKey(key);
  const parts = value.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretDecryptionError('unknown secret format');
  const [, iv, tag, ct] = parts as [string, string, string, string];
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`user:${userId}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretDecryptionError('user secret could not be decrypted (wrong ENCRYPTION_KEY?)');
  }
}
