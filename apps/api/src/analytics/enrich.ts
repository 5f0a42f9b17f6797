import { isbot } from 'isbot';
import { LRUCache } from 'lru-cache';
import UAParser from 'ua-parser-js';

export interface UaInfo {
  bot: boolean;
  browser: string;
  os: string;
  /** From the UA; null when the UA does not say (then the screen width decides). */
  device: 'Mobile' | 'Tablet' | 'Desktop' | 'Other' | null;
}

/**
 * UA parsing is the most expensive step of collect (~20 µs per UA); real traffic repeats a few
 * thousand UAs, so an LRU makes it nearly free.
 */
const uaCache = new LRUCache<string, UaInfo>({ max: 10_000 });

export function parseUserAgent(ua: string): UaInfo {
  const hit = uaCache.get(ua);
  if (hit) return hit;
  let info: UaInfo;
  if (!ua.trim() || isbot(ua)) {
    info = { bot: true, browser: '', os: '', device: null };
  } else {
    const r = new UAParser(ua).getResult();
    const type = r.device.type;
    const device =
      type === 'mobile' ? 'Mobile' : type === 'tablet' ? 'Tablet' : type === undefined ? null : type === 'console' || type === 'smarttv' ? 'Desktop' : 'Other';
    info = { bot: false, browser: (r.browser.name ?? '').slice(0, 50), os: (r.os.name ?? '').slice(0, 50), device };
  }
  uaCache.set(ua, info);
  return info;
}

/** Device class: the UA's when it says, else the screen width (tracker sends it), else Desktop. */
export function deviceClass(ua: UaInfo, width: number | null | undefined): string {
  if (ua.device) return ua.device;
  if (typeof width === 'number' && width > 0) return width < 576 ? 'Mobile' : width < 992 ? 'Tablet' : 'Desktop';
  return 'Desktop';
}

/** Referrer hosts grouped under one source name: search engines and social networks. */
const SOURCES: [RegExp, string][] = [
  [/(^|\.)google\.[a-z]{2,3}(\.[a-z]{2})?$/, 'Google'],
  [/(^|\.)bing\.com$/, 'Bing'],
  [/(^|\.)duckduckgo\.com$/, 'DuckDuckGo'],
  [/(^|\.)yahoo\.(com|co\.[a-z]{2}|[a-z]{2})$/, 'Yahoo!'],
  [/(^|\.)yandex\.[a-z.]+$/, 'Yandex'],
  [/(^|\.)baidu\.com$/, 'Baidu'],
  [/(^|\.)ecosia\.org$/, 'Ecosia'],
  [/^search\.brave\.com$/, 'Brave Search'],
  [/(^|\.)startpage\.com$/, 'Startpage'],
  [/(^|\.)qwant\.com$/, 'Qwant'],
  [/(^|\.)naver\.com$/, 'Naver'],
  [/(^|\.)kagi\.com$/, 'Kagi'],
  [/(^|\.)(facebook\.com|fb\.me|fb\.com)$/, 'Facebook'],
  [/(^|\.)(twitter\.com|x\.com)$|^t\.co$/, 'Twitter'],
  [/(^|\.)(linkedin\.com|lnkd\.in)$/, 'LinkedIn'],
  [/(^|\.)reddit\.com$/, 'Reddit'],
  [/(^|\.)instagram\.com$/, 'Instagram'],
  [/(^|\.)(youtube\.com|youtu\.be)$/, 'YouTube'],
  [/(^|\.)pinterest\.[a-z.]+$/, 'Pinterest'],
  [/(^|\.)tiktok\.com$/, 'TikTok'],
  [/^news\.ycombinator\.com$/, 'Hacker News'],
  [/(^|\.)(mastodon\.social|mastodon\.online)$/, 'Mastodon'],
  [/(^|\.)bsky\.app$/, 'Bluesky'],
  [/(^|\.)threads\.net$/, 'Threads'],
  [/(^|\.)github\.com$/, 'GitHub'],
  [/(^|\.)(chatgpt\.com|chat\.openai\.com)$/, 'ChatGPT'],
];

const sourceCache = new LRUCache<string, string>({ max: 5_000 });

export function sourceName(host: string): string {
  const bare = host.startsWith('www.') ? host.slice(4) : host;
  const hit = sourceCache.get(bare);
  if (hit !== undefined) return hit;
  const name = SOURCES.find(([re]) => re.test(bare))?.[1] ?? bare;
  sourceCache.set(bare, name);
  return name;
}

/** The site's domain or any subdomain of it (www., app., ...). */
export function onDomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

export class InputError extends Error {}

const REFUSED_SCHEMES = /^\s*(data|javascript|vbscript|file|blob):/i;

export interface PageInfo {
  hostname: string;
  pathname: string;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
}

/**
 * Parsed page URLs by raw URL, like the UA cache: a site's events repeat a bounded set of URLs,
 * and the WHATWG parse plus the query lookups cost more than the rest of the enrichment. An entry
 * remembers the domain and length cap it was computed for, and another site sending the same
 * string recomputes. Only successes are cached, and only URLs up to 2 KB (10,000 entries, a few
 * MB in practice, ~40 MB if every entry were at the cap).
 */
interface PageEntry {
  domain: string;
  maxPath: number;
  info: Readonly<PageInfo>;
}
const pageCache = new LRUCache<string, PageEntry>({ max: 10_000 });
const CACHED_URL_MAX = 2_048;

function utmParam(q: URLSearchParams, key: string): string {
  return (q.get(key) ?? '').trim().slice(0, 255);
}

/** Parses the page URL: http(s) only, on the site's domain; query dropped except UTM. */
export function parsePageUrl(raw: string, domain: string, maxPath: number): Readonly<PageInfo> {
  const hit = pageCache.get(raw);
  if (hit !== undefined && hit.domain === domain && hit.maxPath === maxPath) return hit.info;
  if (REFUSED_SCHEMES.test(raw)) throw new InputError('url must be an http(s) URL; data:, javascript: and similar URLs are refused.');
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new InputError('url is not a valid absolute URL.');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InputError('url must be an http(s) URL.');
  const hostname = u.hostname.toLowerCase().replace(/\.$/, '');
  if (!onDomain(hostname, domain)) {
    throw new InputError(`url is on ${hostname.slice(0, 253)}, which is not this site's domain (${domain}).`);
  }
  // Hash-routed single-page apps (#/route) keep the route; other fragments are anchors.
  let pathname = u.pathname || '/';
  if (u.hash.startsWith('#/')) pathname += u.hash;
  const q = u.searchParams;
  const info: Readonly<PageInfo> = Object.freeze({
    hostname,
    pathname: pathname.slice(0, maxPath),
    utm_source: utmParam(q, 'utm_source'),
    utm_medium: utmParam(q, 'utm_medium'),
    utm_campaign: utmParam(q, 'utm_campaign'),
  });
  if (raw.length <= CACHED_URL_MAX) pageCache.set(raw, { domain, maxPath, info });
  return info;
}

/**
 * The referrer's source: '' for none and for self-referrals, a group name for search engines
 * and social networks, else the referring host. Non-web schemes (android-app:) count as none;
 * data:/javascript: are refused outright.
 */
export function referrerSource(raw: string | null | undefined, domain: string, maxLen: number): string {
  if (!raw) return '';
  if (raw.length > maxLen) raw = raw.slice(0, maxLen);
  const hit = referrerCache.get(raw);
  if (hit !== undefined && hit.domain === domain) return hit.source;
  if (REFUSED_SCHEMES.test(raw)) throw new InputError('referrer must be an http(s) URL; data:, javascript: and similar URLs are refused.');
  const source = parseReferrer(raw, domain);
  if (raw.length <= CACHED_URL_MAX) referrerCache.set(raw, { domain, source });
  return source;
}

/** Referrer sources by raw referrer (already cut to the length cap), like the page URL cache. */
const referrerCache = new LRUCache<string, { domain: string; source: string }>({ max: 10_000 });

function parseReferrer(raw: string, domain: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return '';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return '';
  const host = u.hostname.toLowerCase().replace(/\.$/, '');
  if (!host || onDomain(host, domain)) return '';
  return sourceName(host).slice(0, 255);
}

/** Custom event properties as [key, value] string pairs (the raw table stores them as JSON). */
export function flattenProps(props: Record<string, string | number | boolean> | null | undefined): [string, string][] | null {
  if (!props) return null;
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(props)) out.push([k.slice(0, 100), String(v).slice(0, 500)]);
  return out.length ? out : null;
}
