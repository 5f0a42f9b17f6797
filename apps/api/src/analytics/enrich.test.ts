import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deviceClass, InputError, parsePageUrl, parseUserAgent, referrerSource } from './enrich';
import { csvCell, toCsv } from './stats';
import { UA } from '../../test/analytics';
import { visitorId } from './visitor';

describe('referrer source', () => {
  it.each([
    ['https://www.google.com/search?q=x', 'Google'],
    ['https://google.co.uk/', 'Google'],
    ['https://www.bing.com/', 'Bing'],
    ['https://duckduckgo.com/', 'DuckDuckGo'],
    ['https://t.co/abc', 'Twitter'],
    ['https://x.com/someone', 'Twitter'],
    ['https://l.facebook.com/l.php', 'Facebook'],
    ['https://www.linkedin.com/feed', 'LinkedIn'],
    ['https://old.reddit.com/r/x', 'Reddit'],
    ['https://news.ycombinator.com/item?id=1', 'Hacker News'],
    ['https://blog.other.org/post', 'blog.other.org'],
    ['https://www.other.org/post', 'other.org'],
    ['https://example.com/pricing', ''],
    ['https://app.example.com/', ''],
    ['android-app://com.google.android.gm', ''],
    ['not a url', ''],
    ['', ''],
  ])('%s -> %j', (ref, source) => {
    expect(referrerSource(ref, 'example.com', 2_000)).toBe(source);
  });

  it('refuses data: and javascript: referrers', () => {
    expect(() => referrerSource('javascript:alert(1)', 'example.com', 2_000)).toThrow(InputError);
    expect(() => referrerSource('data:text/html,hi', 'example.com', 2_000)).toThrow(InputError);
  });
});

describe('page URL', () => {
  it('keeps the pathname, drops the query except UTM, keeps hash routes', () => {
    expect(parsePageUrl('https://www.example.com/pricing?x=1&utm_source=nl&utm_medium=email&utm_campaign=bf#top', 'example.com', 2_000)).toEqual({
      hostname: 'www.example.com',
      pathname: '/pricing',
      utm_source: 'nl',
      utm_medium: 'email',
      utm_campaign: 'bf',
    });
    expect(parsePageUrl('https://example.com/app#/settings', 'example.com', 2_000).pathname).toBe('/app#/settings');
  });

  it('caps the pathname', () => {
    expect(parsePageUrl(`https://example.com/${'a'.repeat(3_000)}`, 'example.com', 2_000).pathname).toHaveLength(2_000);
  });

  it('answers from its cache only for the domain and cap it computed the entry for', () => {
    const url = 'https://shop.example.com/cart?utm_source=x';
    expect(parsePageUrl(url, 'example.com', 2_000)).toMatchObject({ hostname: 'shop.example.com', pathname: '/cart', utm_source: 'x' });
    expect(parsePageUrl(url, 'example.com', 2_000)).toMatchObject({ pathname: '/cart' });
    expect(parsePageUrl(url, 'shop.example.com', 2_000)).toMatchObject({ hostname: 'shop.example.com' });
    expect(() => parsePageUrl(url, 'other.org', 2_000)).toThrow(InputError);
    expect(parsePageUrl(url, 'example.com', 3).pathname).toBe('/ca');
    // A cached answer is shared: it cannot be changed by whoever receives it.
    expect(Object.isFrozen(parsePageUrl(url, 'example.com', 2_000))).toBe(true);
    // Refused URLs are refused every time (never cached).
    expect(() => parsePageUrl('javascript:alert(1)', 'example.com', 2_000)).toThrow(InputError);
    expect(() => parsePageUrl('javascript:alert(1)', 'example.com', 2_000)).toThrow(InputError);
  });

  it('computes a cached referrer again for another site', () => {
    expect(referrerSource('https://blog.example.com/post', 'example.com', 2_000)).toBe('');
    expect(referrerSource('https://blog.example.com/post', 'other.org', 2_000)).toBe('blog.example.com');
    expect(referrerSource('https://blog.example.com/post', 'example.com', 2_000)).toBe('');
    expect(() => referrerSource('javascript:alert(1)', 'example.com', 2_000)).toThrow(InputError);
    expect(() => referrerSource('javascript:alert(1)', 'example.com', 2_000)).toThrow(InputError);
  });

  it.each(['javascript:alert(1)', 'data:text/html,x', 'ftp://example.com/', 'https://evil.com/', 'https://notexample.com/', '/relative'])(
    'refuses %s',
    (url) => {
      expect(() => parsePageUrl(url, 'example.com', 2_000)).toThrow(InputError);
    },
  );
});

describe('user agent', () => {
  it('classifies browsers, systems and devices', () => {
    expect(parseUserAgent(UA.chromeWindows)).toMatchObject({ bot: false, browser: 'Chrome', os: 'Windows' });
    expect(deviceClass(parseUserAgent(UA.chromeWindows), 1920)).toBe('Desktop');
    expect(deviceClass(parseUserAgent(UA.safariIphone), null)).toBe('Mobile');
    expect(deviceClass(parseUserAgent(UA.safariIpad), null)).toBe('Tablet');
    expect(deviceClass(parseUserAgent(UA.firefoxLinux), 400)).toBe('Mobile');
  });

  it('flags bots and empty user agents', () => {
    expect(parseUserAgent(UA.googlebot).bot).toBe(true);
    expect(parseUserAgent('').bot).toBe(true);
    expect(parseUserAgent('curl/8.5.0').bot).toBe(true);
  });
});

describe('visitor id', () => {
  it('is 16 hex chars, stable for the same inputs and different when any input changes', () => {
    const salt = Buffer.alloc(32, 1);
    const id = visitorId(salt, 1, '1.2.3.4', 'ua');
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(visitorId(salt, 1, '1.2.3.4', 'ua')).toBe(id);
    expect(visitorId(Buffer.alloc(32, 2), 1, '1.2.3.4', 'ua')).not.toBe(id);
    expect(visitorId(salt, 2, '1.2.3.4', 'ua')).not.toBe(id);
    expect(visitorId(salt, 1, '1.2.3.5', 'ua')).not.toBe(id);
    expect(visitorId(salt, 1, '1.2.3.4', 'ua2')).not.toBe(id);
  });

  it('is the first 8 bytes of SHA-256(salt ‖ \\0 site \\0 IP \\0 UA), UTF-8, whatever the UA holds', () => {
    const reference = (salt: Buffer, site: number, ip: string, ua: string) =>
      createHash('sha256').update(salt).update(`\0${site}\0${ip}\0${ua}`).digest('hex').slice(0, 16);
    const salts = [Buffer.alloc(32, 1), Buffer.alloc(32, 0xfe)];
    const uas = [UA.chromeWindows, '', 'Mozilla/5.0 ü € 😀 中文', 'lone \ud800 surrogate', 'x'.repeat(1_000), '€'.repeat(1_000), 'y'.repeat(5_000)];
    for (const salt of salts) {
      for (const ua of uas) {
        for (const ip of ['203.0.113.9', '2001:db8::1']) expect(visitorId(salt, 42, ip, ua)).toBe(reference(salt, 42, ip, ua));
      }
    }
  });
});

describe('CSV', () => {
  it.each([
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@cmd', "'@cmd"],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['/pricing', '/pricing'],
  ])('escapes %j', (input, out) => {
    expect(csvCell(input)).toBe(out);
  });

  it('joins rows with CRLF', () => {
    expect(toCsv(['a', 'b'], [['=x', 1]])).toBe("a,b\r\n'=x,1\r\n");
  });
});
