import { z } from 'zod';

/** Numeric ids travel as path params (strings) and as JSON numbers. */
export const IdParam = z.coerce
  .number({ error: 'must be a positive integer id' })
  .int('must be a positive integer id')
  .positive('must be a positive integer id')
  .max(2 ** 31 - 1, 'is too large');

/** Ids are MySQL INT AUTO_INCREMENT keys: the documented range is what the database holds. */
export const Id = z.number().int().positive().max(2 ** 31 - 1);

export const IsoDateTime = z.string().describe('ISO-8601 UTC timestamp');

export const Email = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email('must be a valid email address'))
  .transform((email) => email.toLowerCase())
  // The input side of the pipe is a plain string: say in the OpenAPI document what the server checks.
  .meta({ format: 'email' });

/**
 * Bytes of `s` in UTF-8, as Buffer.byteLength(s, 'utf8') and TextEncoder count them (a lone
 * surrogate becomes U+FFFD, 3 bytes). Written out so browser bundles need no Buffer polyfill.
 */
export function utf8ByteLength(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4; // a surrogate pair: one code point above U+FFFF
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export const Password = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(72, 'must be at most 72 bytes (bcrypt limit)')
  .refine((p) => utf8ByteLength(p) <= 72, 'must be at most 72 bytes (bcrypt limit)');

export const DisplayName = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

export const PaginationQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});
export type PaginationQuery = z.infer<typeof PaginationQuery>;

/** Every list answers `{items, next_cursor}`; `next_cursor` is null on the last page. */
export function paginated<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable() });
}

/**
 * RFC 9457 problem details, as every error leaves the API. Open to extension members (RFC 9457
 * 3.2): a plan limit adds `limit`, `plan` and `max`.
 */
export const Problem = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;

export const Ok = z.object({ ok: z.literal(true) });
