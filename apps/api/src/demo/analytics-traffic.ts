import type { RawEventRow } from '@sentrypulse/db';
import { MAX_PATH_LENGTH, MAX_REFERRER_LENGTH, utcDateOf, utcDay } from '@sentrypulse/shared';
import { deviceClass, flattenProps, parsePageUrl, parseUserAgent, referrerSource } from '../analytics/enrich';
import { createRandom, type Random } from './random';

/**
 * 90 days of visits to the demo website, as pure functions of `now`: what tracker.js would have
 * sent (page URL with UTM, referrer, user agent, width, country, custom events), turned into
 * pageviews_raw rows with the collect endpoint's own enrichment (page and referrer parsing, user
 * agent, device class) and the drainer's visit rules (a visit's entry page, source and UTM come
 * from its first event).
 */

export const TRAFFIC_DAYS = 90;
const DAY = 86_400_000;
const MINUTE = 60_000;

const PAGES = ['/', '/pricing', '/features', '/docs', '/docs/getting-started', '/docs/api', '/blog', '/changelog', '/about', '/signup'] as const;
const BLOG_POSTS = ['/blog/monitoring-without-false-alarms', '/blog/status-page-checklist', '/blog/privacy-first-analytics'] as const;

/** Where a visit came from: referrer URL (or none), UTM, and where it lands. */
interface Source {
  referrer: string | null;
  utm: string;
  landing: ReadonlyArray<readonly [string, number]>;
}

const HOME_LANDING = [['/', 6], ['/pricing', 2], ['/features', 1.5], ['/docs', 1], [BLOG_POSTS[1], 0.6], [BLOG_POSTS[2], 0.6]] as const;

const SOURCES: ReadonlyArray<readonly [Source, number]> = [
  [{ referrer: null, utm: '', landing: [['/', 8], ['/pricing', 2], ['/docs', 2], ['/docs/getting-started', 1], ['/changelog', 0.5]] }, 36],
  [{ referrer: 'https://www.google.com/', utm: '', landing: [...HOME_LANDING, [BLOG_POSTS[0], 2], ['/docs/api', 1]] }, 28],
  [{ referrer: 'https://duckduckgo.com/', utm: '', landing: HOME_LANDING }, 4],
  [{ referrer: 'https://www.bing.com/', utm: '', landing: HOME_LANDING }, 3],
  [{ referrer: 'https://github.com/sentrypulse/sentrypulse', utm: '', landing: [['/docs', 3], ['/docs/getting-started', 3], ['/', 2]] }, 6],
  [{ referrer: 'https://news.ycombinator.com/', utm: '', landing: [[BLOG_POSTS[0], 4], ['/', 1]] }, 2],
  [{ referrer: 'https://www.reddit.com/r/selfhosted/', utm: '', landing: [['/', 2], [BLOG_POSTS[2], 2]] }, 3],
  [{ referrer: 'https://t.co/', utm: '', landing: [['/', 2], [BLOG_POSTS[1], 1]] }, 2],
  [{ referrer: 'https://www.linkedin.com/', utm: '', landing: [['/', 1], ['/about', 1]] }, 2],
  [{ referrer: 'https://dev.to/', utm: '', landing: [[BLOG_POSTS[1], 1], [BLOG_POSTS[2], 1]] }, 2],
  [{ referrer: 'https://www.producthunt.com/', utm: '', landing: [['/', 1]] }, 1],
  [{ referrer: null, utm: 'newsletter', landing: [['/changelog', 3], [BLOG_POSTS[2], 1]] }, 4],
];

/** Real user agents (parsed by the collect endpoint's own parser), weighted like a developer audience. */
const AGENTS: ReadonlyArray<readonly [{ ua: string; widths: number[] }, number]> = [
  [{ ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', widths: [1920, 1536, 1366] }, 26],
  [{ ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', widths: [1440, 1512, 1728] }, 20],
  [{ ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15', widths: [1440, 1512] }, 9],
  [{ ua: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', widths: [1920, 2560] }, 8],
  [{ ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', widths: [1920, 1366] }, 5],
  [{ ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', widths: [1920, 1536] }, 6],
  [{ ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1', widths: [390, 393, 430] }, 12],
  [{ ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', widths: [412] }, 8],
  [{ ua: 'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36', widths: [384] }, 3],
  [{ ua: 'Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1', widths: [820, 1024] }, 3],
];

const COUNTRIES: ReadonlyArray<readonly [string, number]> = [
  ['US', 30], ['DE', 12], ['GB', 9], ['IN', 7], ['FR', 5], ['NL', 4], ['CA', 4], ['BR', 3], ['PL', 3], ['SE', 2.5],
  ['ES', 2.5], ['JP', 2], ['AU', 2], ['CH', 1.5], ['IT', 1.5], ['UA', 1], ['SG', 1],
];

/** Share of visits starting in each UTC hour (an audience in Europe and the Americas). */
const HOURS = [2, 1.5, 1.2, 1, 1, 1.2, 2, 3.5, 5, 6, 6.5, 6.5, 6.5, 7, 8, 8.5, 8.5, 8, 7, 6, 5, 4, 3.5, 2.5];
const HOUR_WEIGHTS = HOURS.map((w, h) => [h, w] as const);
const WEEKDAY = [0.6, 1.05, 1.1, 1.1, 1.05, 0.95, 0.55]; // Sunday first
/** The next page of a visit: anywhere, the home page and the signup page a little less often. */
const NEXT_PAGE = PAGES.map((p) => [p, p === '/signup' ? 0.8 : p === '/' ? 1 : 1.6] as const);
const HN_HOURS = [[14, 2], [15, 4], [16, 4], [17, 3], [18, 2], [19, 1], [20, 1]] as const;
const HN_SOURCE: Source = { referrer: 'https://news.ycombinator.com/', utm: '', landing: [[BLOG_POSTS[0], 1]] };
const PLANS = [['free', 68], ['pro', 26], ['business', 6]] as const;

/** What the tracker sends for one event. */
export interface TrackedEvent {
  ts: number;
  name: string;
  url: string;
  referrer: string | null;
  ua: string;
  width: number;
  country: string;
  props: Record<string, string> | null;
  /** Which visitor (per day: the daily salt makes yesterday's visitor a new one) and which visit. */
  visitor: number;
  visit: number;
}

export interface TrafficInput {
  now: number;
  /** The site's domain (page URLs are on it). */
  domain: string;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** The monthly newsletter's campaign: `november-update`. */
function campaignOf(ts: number): string {
  return `${MONTHS[new Date(ts).getUTCMonth()]}-update`;
}

/** Visits on one UTC day: weekly rhythm, growth over the period, a Hacker News spike, noise. */
export function visitsOnDay(rng: Random, dayIndex: number, days: number, weekday: number): number {
  const growth = 70 + (60 * dayIndex) / days;
  return Math.max(5, Math.round(growth * WEEKDAY[weekday]! * Math.exp(rng.normal(0, 0.12))));
}

/** The day the blog post made the front page of Hacker News (days before today) and its extra visits. */
export const HN_SPIKE = { day: -24, visits: [520, 140] };

export function generateTrackedEvents(input: TrafficInput): TrackedEvent[] {
  const { now } = input;
  const rng = createRandom(0x5eed_a11);
  const origin = `http://${input.domain}`;
  const today = utcDay(utcDateOf(now)).start;
  const events: TrackedEvent[] = [];
  let visitorSeq = 0;
  let visitSeq = 0;

  const addVisit = (start: number, source: Source, visitor: { id: number; agent: { ua: string; widths: number[] }; width: number; country: string }, forcePages?: number) => {
    visitSeq += 1;
    const visit = visitSeq;
    let page = rng.weighted(source.landing);
    const query = source.utm === 'newsletter' ? `?utm_source=newsletter&utm_medium=email&utm_campaign=${campaignOf(start)}` : '';
    const pages = forcePages ?? (rng.chance(0.42) ? 1 : Math.min(8, 2 + Math.floor(-Math.log(1 - rng.next()) * 1.6)));
    let ts = start;
    let referrer = source.referrer;
    for (let i = 0; i < pages; i++) {
      const base = { url: `${origin}${page}${i === 0 ? query : ''}`, referrer, ua: visitor.agent.ua, width: visitor.width, country: visitor.country, visitor: visitor.id, visit };
      events.push({ ...base, ts, name: 'pageview', props: null });
      if (page === '/signup' && rng.chance(0.45)) {
        ts += rng.int(20, 120) * 1000;
        const plan = rng.weighted(PLANS);
        events.push({ ...base, ts, name: 'Signup', props: { plan } });
      } else if (page.startsWith('/docs') && rng.chance(0.07)) {
        ts += rng.int(5, 60) * 1000;
        events.push({ ...base, ts, name: 'Outbound Link: Click', props: { url: 'https://github.com/sentrypulse/sentrypulse' } });
      }
      // Later pages: the tracker sends the previous page as referrer (same site: no source).
      referrer = `${origin}${page}`;
      ts += Math.round(rng.int(8, 150) * 1000 * (1 + rng.next()));
      page = page === '/pricing' && rng.chance(0.3) ? '/signup' : rng.weighted(NEXT_PAGE);
    }
  };

  const newVisitor = () => {
    visitorSeq += 1;
    const agent = rng.weighted(AGENTS);
    return { id: visitorSeq, agent, width: rng.pick(agent.widths), country: rng.weighted(COUNTRIES) };
  };

  for (let d = TRAFFIC_DAYS; d >= 0; d--) {
    const dayStart = today - d * DAY;
    const weekday = new Date(dayStart).getUTCDay();
    const returning: Array<ReturnType<typeof newVisitor>> = [];
    const regular = visitsOnDay(rng, TRAFFIC_DAYS - d, TRAFFIC_DAYS, weekday);
    const spikeIndex = -HN_SPIKE.day - d;
    const extra = spikeIndex >= 0 && spikeIndex < HN_SPIKE.visits.length ? HN_SPIKE.visits[spikeIndex]! : 0;
    for (let v = 0; v < regular + extra; v++) {
      const hn = v >= regular;
      const hour = rng.weighted(hn ? HN_HOURS : HOUR_WEIGHTS);
      const start = dayStart + hour * 3_600_000 + rng.int(0, 3_599) * 1000;
      // Some people come back later the same day: the same visitor id, a new visit.
      const visitor = returning.length > 0 && rng.chance(0.12) ? rng.pick(returning) : newVisitor();
      returning.push(visitor);
      const source = hn ? HN_SOURCE : rng.weighted(SOURCES);
      addVisit(start, source, visitor);
    }
  }
  // A few people on the site right now (the realtime card).
  for (const minutesAgo of [4, 2, 1]) addVisit(now - minutesAgo * MINUTE, SOURCES[0]![0], newVisitor(), 1);

  return events.filter((e) => e.ts < now).sort((a, b) => a.ts - b.ts || a.visit - b.visit);
}

/**
 * pageviews_raw rows for the tracked events, enriched exactly as the collect endpoint does and
 * grouped into visits like the drainer. Visitor ids change at UTC midnight (daily salts).
 */
export function toRawRows(siteId: number, domain: string, events: TrackedEvent[]): RawEventRow[] {
  const rng = createRandom(0xda7a);
  const visitorIds = new Map<string, Buffer>();
  const visits = new Map<number, { visitor: Buffer; id: number; entry: string; ref: string; us: string; um: string; uc: string }>();
  return events.map((e) => {
    const page = parsePageUrl(e.url, domain, MAX_PATH_LENGTH);
    const ua = parseUserAgent(e.ua);
    let visit = visits.get(e.visit);
    if (!visit) {
      // The visit's visitor id is the one of the day it started (the drainer keeps it across midnight).
      const key = `${utcDateOf(e.ts)}:${e.visitor}`;
      let visitor = visitorIds.get(key);
      if (!visitor) {
        visitor = rng.bytes(8);
        visitorIds.set(key, visitor);
      }
      visit = {
        visitor,
        id: rng.int(1, 2 ** 47),
        entry: page.pathname,
        ref: referrerSource(e.referrer, domain, MAX_REFERRER_LENGTH),
        us: page.utm_source,
        um: page.utm_medium,
        uc: page.utm_campaign,
      };
      visits.set(e.visit, visit);
    }
    const props = e.name === 'pageview' ? null : flattenProps(e.props);
    return {
      site_id: siteId,
      ts: new Date(e.ts),
      event_id: rng.bytes(16),
      visitor_id: visit.visitor,
      visit_id: visit.id,
      name: e.name,
      hostname: page.hostname,
      pathname: page.pathname,
      entry_page: visit.entry,
      referrer_source: visit.ref,
      utm_source: visit.us,
      utm_medium: visit.um,
      utm_campaign: visit.uc,
      browser: ua.browser,
      os: ua.os,
      device: deviceClass(ua, e.width),
      country: e.country,
      props: props ? JSON.stringify(props) : null,
    };
  });
}
