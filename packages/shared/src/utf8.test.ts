import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Password, utf8ByteLength } from './common';
import { CreateMonitorBody, MAX_BODY_BYTES } from './monitors';

/** The schemas count bytes without Node's Buffer (browser bundles); the count must not change. */
describe('utf8ByteLength', () => {
  it('counts like Buffer.byteLength and TextEncoder for 1- to 4-byte characters and lone surrogates', () => {
    for (const s of ['', 'a', 'é', '€', '😀', 'a€😀é', '\ud800', '\udc00', 'x\ud83dy', '\ud83d\ude00\ud83d', '\u07ff\u0800\uffff']) {
      expect(utf8ByteLength(s), JSON.stringify(s)).toBe(Buffer.byteLength(s, 'utf8'));
      expect(utf8ByteLength(s), JSON.stringify(s)).toBe(new TextEncoder().encode(s).length);
    }
  });

  it('agrees with Buffer.byteLength on any string of UTF-16 code units', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 60 }), (a, b) => {
        expect(utf8ByteLength(a)).toBe(Buffer.byteLength(a, 'utf8'));
        expect(utf8ByteLength(b)).toBe(Buffer.byteLength(b, 'utf8'));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('byte limits at their edges with multi-byte characters', () => {
  const tooLong = 'must be at most 72 bytes (bcrypt limit)';
  const passwordIssues = (p: string) => Password.safeParse(p).error?.issues.map((i) => i.message) ?? [];

  it('Password: 72 bytes pass, 73 or more fail, whatever the characters', () => {
    expect(passwordIssues('€'.repeat(24))).toEqual([]); // 24 characters, 72 bytes
    expect(passwordIssues(`${'€'.repeat(23)}éa`)).toEqual([]); // 69 + 2 + 1 = 72
    expect(passwordIssues('😀'.repeat(18))).toEqual([]); // 36 UTF-16 units, 72 bytes
    expect(passwordIssues(`${'€'.repeat(24)}a`)).toEqual([tooLong]); // 73 bytes in 25 characters
    expect(passwordIssues(`${'😀'.repeat(18)}a`)).toEqual([tooLong]);
    expect(passwordIssues(`${'€'.repeat(23)}😀`)).toEqual([tooLong]); // 69 + 4
    expect(passwordIssues('a'.repeat(72))).toEqual([]);
    expect(passwordIssues('a'.repeat(73))).toContain(tooLong);
  });

  it('monitor body: 16 KiB pass, one byte more fails', () => {
    const bodyIssues = (body: string) =>
      CreateMonitorBody.safeParse({ type: 'http', name: 'x', url: 'https://example.com', method: 'POST', interval_seconds: 60, body }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    const tooBig = `body: must be at most ${MAX_BODY_BYTES} bytes`;
    expect(bodyIssues('é'.repeat(MAX_BODY_BYTES / 2))).toEqual([]);
    expect(bodyIssues('😀'.repeat(MAX_BODY_BYTES / 4))).toEqual([]);
    expect(bodyIssues(`${'€'.repeat(5461)}a`)).toEqual([]); // 16,383 + 1
    expect(bodyIssues(`${'é'.repeat(MAX_BODY_BYTES / 2)}a`)).toEqual([tooBig]);
    expect(bodyIssues(`${'😀'.repeat(MAX_BODY_BYTES / 4 - 1)}€a`)).toEqual([]); // 16,380 + 3 + 1
    expect(bodyIssues(`${'😀'.repeat(MAX_BODY_BYTES / 4 - 1)}€ab`)).toEqual([tooBig]);
  });
});
