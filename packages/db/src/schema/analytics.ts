import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;

export interface SitesTable {
  id: Generated<number>;
  team_id: number;
  name: string;
  domain: string;
  tracking_code: string;
  timezone: ColumnType<string, string | undefined, string>;
  respect_dnt: ColumnType<number, boolean | undefined, boolean>;
  enabled: ColumnType<number, boolean | undefined, boolean>;
  /** Last local date whose rollups are complete (stats read raw after it). */
  aggregated_through: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface PageviewsRawTable {
  site_id: number;
  ts: Date;
  event_id: Buffer;
  visitor_id: Buffer;
  visit_id: number;
  name: string;
  hostname: string;
  pathname: string;
  entry_page: string;
  referrer_source: string;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  browser: string;
  os: string;
  device: string;
  country: string;
  /** JSON array of [key, value] pairs (strings), or null. */
  props: string | null;
}

export interface PageviewsDailyTable {
  site_id: number;
  date: ColumnType<Date, Date | string, Date | string>;
  pageviews: number;
  events: number;
  visitors: number;
  visits: number;
  bounces: number;
  duration_ms: number;
}

export interface PageviewsDailyBreakdownsTable {
  site_id: number;
  dimension: string;
  date: ColumnType<Date, Date | string, Date | string>;
  value_hash: Buffer;
  value: string;
  visitors: number;
  visits: number;
  pageviews: number;
  events: number;
}

export interface SiteGoalsTable {
  id: Generated<number>;
  team_id: number;
  site_id: number;
  name: string;
  type: 'page' | 'event';
  path: string | null;
  event: string | null;
  /** JSON object of property values that must all match ({} or NULL: any). */
  props: string | null;
  created_at: ColumnType<Date, never, never>;
}

export interface GoalsDailyTable {
  goal_id: number;
  date: ColumnType<Date, Date | string, Date | string>;
  visitors: number;
  conversions: number;
}

export interface AnalyticsTables {
  site_goals: SiteGoalsTable;
  goals_daily: GoalsDailyTable;
  sites: SitesTable;
  pageviews_raw: PageviewsRawTable;
  pageviews_daily: PageviewsDailyTable;
  pageviews_daily_breakdowns: PageviewsDailyBreakdownsTable;
}
