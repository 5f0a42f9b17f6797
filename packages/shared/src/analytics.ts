import { z } from 'zod';
import { IdParam } from './common';

/** Caps from SPEC 8: long pathnames and referrers are cut here, never stored whole. */
export const MAX_PATH_LENGTH = 2_000;
export const MAX_REFERRER_LENGTH = 2_000;
/** The collect body limit in bytes (a larger body answers 413). */
export const COLLECT_BODY_LIMIT = 8 * 1024;

const PropValue = z.union([z.string().max(500, 'must be at most 500 characters'), z.number().finite(), z.boolean()]);

/**
 * What tracker.js sends (as a text/plain JSON body so browsers skip the CORS preflight).
 * `name` is `pageview` or a custom event name; `url` is the page's full URL.
 */
export const CollectBody = z.object({
  site: z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  name: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(120, 'must be at most 120 characters'),
  url: z.string().min(1, 'must not be empty').max(4_000, 'must be at most 4000 characters'),
  referrer: z.string().max(4_000, 'must be at most 4000 characters').nullish(),
  width: z.number().int().min(0).max(100_000).nullish(),
  props: z
    .record(z.string().min(1).max(100, 'keys must be at most 100 characters'), PropValue)
    .refine((p) => Object.keys(p).length <= 30, 'must have at most 30 properties')
    .nullish(),
});
export type CollectBody = z.infer<typeof CollectBody>;

/** Properties a breakdown (and a filter) can name; SPEC 7 plus event props. */
export const BreakdownProperty = z.enum([
  'page',
  'entry_page',
  'exit_page',
  'referrer',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'browser',
  'os',
  'device',
  'country',
  'event',
  'event_prop',
]);
export type BreakdownProperty = z.infer<typeof BreakdownProperty>;

/** Filterable properties: every breakdown property that is known per event (not exit_page). */
export const FilterProperty = BreakdownProperty.exclude(['exit_page', 'event_prop']);
export type FilterProperty = z.infer<typeof FilterProperty>;

const IsoDate = z.iso.date({ error: 'must be a date YYYY-MM-DD' });

/**
 * `filter=page:/pricing` (several joined by `;`, e.g. `page:/pricing;country:DE`). A value
 * containing `;` cannot be expressed; none of the properties needs one in practice.
 */
export const FilterParam = z
  .string()
  .max(2_100)
  .transform((raw, ctx) => {
    const out: { property: FilterProperty; value: string }[] = [];
    for (const part of raw.split(';').filter(Boolean)) {
      const i = part.indexOf(':');
      const prop = FilterProperty.safeParse(i > 0 ? part.slice(0, i) : part);
      if (i <= 0 || !prop.success) {
        ctx.addIssue({
          code: 'custom',
          message: `"${part.slice(0, 50)}" is not property:value with property one of ${FilterProperty.options.join(', ')}`,
        });
        return z.NEVER;
      }
      out.push({ property: prop.data, value: part.slice(i + 1) });
    }
    return out;
  });
export type Filter = { property: FilterProperty; value: string };

export const StatsQuery = z
  .strictObject({
    from: IsoDate,
    to: IsoDate,
    filter: FilterParam.optional(),
  })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 800 * 86_400_000, {
    message: 'the range must be at most 800 days',
    path: ['to'],
  });
export type StatsQuery = z.infer<typeof StatsQuery>;

export const BreakdownQuery = z
  .strictObject({
    property: BreakdownProperty,
    from: IsoDate,
    to: IsoDate,
    filter: FilterParam.optional(),
    /** Only the events converting this goal of the site (read from raw events, inside retention). */
    goal: IdParam.optional(),
    limit: z.coerce.number().int().min(1).max(1_000).default(10),
  })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 800 * 86_400_000, {
    message: 'the range must be at most 800 days',
    path: ['to'],
  });
export type BreakdownQuery = z.infer<typeof BreakdownQuery>;

export const ExportQuery = z
  .strictObject({
    from: IsoDate,
    to: IsoDate,
    property: BreakdownProperty.optional(),
    filter: FilterParam.optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
  })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 800 * 86_400_000, {
    message: 'the range must be at most 800 days',
    path: ['to'],
  });

export const SiteStatsParams = z.strictObject({ teamId: IdParam, siteId: IdParam });

const Figures = {
  pageviews: z.number().int(),
  /** Over several days: the sum of each day's unique visitors (salts rotate daily). */
  visitors: z.number().int(),
  visits: z.number().int(),
  /** Percent of visits with one pageview and no custom event, 0..100. */
  bounce_rate: z.number(),
  /** Average visit duration in seconds. */
  visit_duration: z.number(),
  events: z.number().int(),
};
export const StatsFigures = z.object(Figures);
export type StatsFigures = z.infer<typeof StatsFigures>;

export const TimeseriesPoint = z.object({
  /** Local date `YYYY-MM-DD`, or local hour `YYYY-MM-DD HH:00` when interval is `hour`. */
  date: z.string(),
  pageviews: z.number().int(),
  visitors: z.number().int(),
});

export const StatsResponse = z.object({
  ...Figures,
  /** Percent change of each figure vs the previous period of the same length; null when that was 0. */
  change: z.object({
    pageviews: z.number().nullable(),
    visitors: z.number().nullable(),
    visits: z.number().nullable(),
    bounce_rate: z.number().nullable(),
    visit_duration: z.number().nullable(),
    events: z.number().nullable(),
  }),
  previous: StatsFigures,
  interval: z.enum(['hour', 'day']),
  timezone: z.string(),
  timeseries: z.array(TimeseriesPoint),
  /**
   * The previous period of the same length, point for point: `previous_timeseries[i]` is the
   * hour or day at the same offset before `from` as `timeseries[i]` is after it (same length,
   * same interval; `date` is the previous period's own date). The chart's comparison line.
   */
  previous_timeseries: z.array(TimeseriesPoint),
});
export type StatsResponse = z.infer<typeof StatsResponse>;

export const BreakdownItem = z.object({
  value: z.string(),
  visitors: z.number().int(),
  visits: z.number().int(),
  pageviews: z.number().int(),
  /** Custom events (for `event` and `event_prop` breakdowns). */
  events: z.number().int(),
});
export type BreakdownItem = z.infer<typeof BreakdownItem>;
export const BreakdownResponse = z.object({ property: BreakdownProperty, items: z.array(BreakdownItem) });
export const RealtimeResponse = z.object({ visitors: z.number().int(), pageviews: z.number().int() });

/** Redis stream the API appends accepted events to and the worker drains into pageviews_raw. */
export function ingestStreamKey(redisPrefix: string): string {
  return `${redisPrefix}:analytics:ingest`;
}
export const INGEST_CONSUMER_GROUP = 'pageviews';

/**
 * One accepted event on its way from the API to the worker (JSON in the stream). The worker adds
 * what needs the visitor's state: the visit id and the visit's entry page and source.
 */
export interface IngestEvent {
  /** Event id (32 hex): makes a replayed batch idempotent. */
  id: string;
  site: number;
  /** Received at, epoch ms. */
  ts: number;
  /** Visitor id with today's salt (16 hex). */
  v: string;
  /** Visitor id with yesterday's salt, only in the first 30 min after 00:00 UTC. */
  pv?: string;
  n: string;
  host: string;
  path: string;
  ref: string;
  us: string;
  um: string;
  uc: string;
  b: string;
  o: string;
  d: string;
  c: string;
  props: [string, string][] | null;
}
