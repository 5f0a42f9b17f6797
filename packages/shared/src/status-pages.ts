import { z } from 'zod';
import { Id, IdParam, IsoDateTime, paginated } from './common';

/**
 * Status pages: the team-side CRUD contract and the public page contract (SPEC 4.5, 7).
 * The public shapes are deliberately small: everything in them is shown on the page, nothing
 * else (no monitor URLs, error texts, internal monitor names, team ids).
 */

export const STATUS_PAGE_SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export const StatusPageSlug = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, 'must be at least 2 characters')
  .max(64, 'must be at most 64 characters')
  .regex(STATUS_PAGE_SLUG, 'must be lowercase letters, digits and hyphens, not starting or ending with a hyphen');

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A bare hostname (no scheme, port or path) with at least two labels and a non-numeric TLD. */
export const CustomDomain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253, 'must be at most 253 characters')
  .refine((h) => {
    const labels = h.replace(/\.$/, '').split('.');
    return labels.length >= 2 && labels.every((l) => HOST_LABEL.test(l)) && !/^\d+$/.test(labels.at(-1)!);
  }, 'must be a hostname such as status.example.com (no scheme, port or path)')
  .transform((h) => h.replace(/\.$/, ''));

export const AccentColor = z.string().trim().regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour like #1f6feb').transform((c) => c.toLowerCase());

/** Only http(s) URLs: a logo is placed in an <img src>, so javascript:/data: must never get in. */
export const LogoUrl = z
  .string()
  .trim()
  .max(2000, 'must be at most 2000 characters')
  .refine((u) => {
    try {
      const parsed = new URL(u);
      return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && !parsed.username && !parsed.password;
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL')
  .meta({ format: 'uri' });

const Text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
const Title = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

export const StatusPageComponentInput = z.strictObject({
  monitor_id: Id,
  name: Title.describe('display name shown on the page (the monitor name is never shown)'),
  group: Text(100).min(1, 'must not be empty').nullish(),
});
export type StatusPageComponentInput = z.infer<typeof StatusPageComponentInput>;

const Components = z
  .array(StatusPageComponentInput)
  .max(200, 'must have at most 200 components')
  .refine((items) => new Set(items.map((c) => c.monitor_id)).size === items.length, 'must not list a monitor twice');

export const CreateStatusPageBody = z.strictObject({
  slug: StatusPageSlug,
  title: Title,
  description: Text(2000).nullish(),
  is_public: z.boolean().default(true),
  logo_url: LogoUrl.nullish(),
  accent_color: AccentColor.nullish(),
  custom_domain: CustomDomain.nullish(),
  show_incident_history: z.boolean().default(true),
  show_maintenances: z.boolean().default(true),
  components: Components.default([]),
});
export type CreateStatusPageBody = z.infer<typeof CreateStatusPageBody>;

/** PATCH: every field optional; `components`, when given, replaces the whole list (order = position). */
export const UpdateStatusPageBody = z
  .strictObject({
    slug: StatusPageSlug,
    title: Title,
    description: Text(2000).nullable(),
    is_public: z.boolean(),
    logo_url: LogoUrl.nullable(),
    accent_color: AccentColor.nullable(),
    custom_domain: CustomDomain.nullable(),
    show_incident_history: z.boolean(),
    show_maintenances: z.boolean(),
    components: Components,
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'must change at least one field');
export type UpdateStatusPageBody = z.infer<typeof UpdateStatusPageBody>;

export const StatusPageParams = z.strictObject({ teamId: IdParam, statusPageId: IdParam });

export const StatusPageComponent = z.object({
  id: Id,
  monitor_id: Id,
  name: z.string(),
  group: z.string().nullable(),
  position: z.number().int(),
});

export const StatusPage = z.object({
  id: Id,
  slug: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  is_public: z.boolean(),
  logo_url: z.string().nullable(),
  accent_color: z.string().nullable(),
  custom_domain: z.string().nullable(),
  show_incident_history: z.boolean(),
  show_maintenances: z.boolean(),
  components: z.array(StatusPageComponent),
  url: z.string().describe('where the public page is served'),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type StatusPage = z.infer<typeof StatusPage>;
export const StatusPageList = paginated(StatusPage);

// ---------------------------------------------------------------------------------------------
// Public contract

export const OverallStatus = z.enum(['operational', 'degraded', 'partial_outage', 'major_outage', 'maintenance']);
export type OverallStatus = z.infer<typeof OverallStatus>;

/** A component's own state. `unknown` = not checked yet or paused: shown grey, ignored by the overall rule. */
export const ComponentStatus = z.enum(['operational', 'degraded', 'outage', 'maintenance', 'unknown']);
export type ComponentStatus = z.infer<typeof ComponentStatus>;

export const UptimeDay = z.object({
  date: z.string().describe('YYYY-MM-DD (UTC)'),
  uptime: z.number().nullable().describe('percent, floored to 2 decimals; null = no data that day'),
  downtime_seconds: z.number().int().nullable(),
});
export type UptimeDay = z.infer<typeof UptimeDay>;

export const PublicComponent = z.object({
  id: Id.describe('the component id (for subscribing to some components only)'),
  name: z.string(),
  group: z.string().nullable(),
  status: ComponentStatus,
  uptime_90d: z.number().nullable(),
  days: z.array(UptimeDay),
});
export type PublicComponent = z.infer<typeof PublicComponent>;

export const IncidentStatusName = z.enum(['investigating', 'identified', 'monitoring', 'resolved']);
export const IncidentSeverityName = z.enum(['critical', 'major', 'minor']);

export const PublicIncidentUpdate = z.object({
  status: IncidentStatusName,
  message: z.string().describe('as written by the team (plain text / Markdown)'),
  message_html: z.string().describe('the message rendered from the safe Markdown subset, sanitised'),
  created_at: IsoDateTime,
});
export type PublicIncidentUpdate = z.infer<typeof PublicIncidentUpdate>;

export const PublicIncident = z.object({
  id: Id,
  title: z.string(),
  status: IncidentStatusName,
  severity: IncidentSeverityName,
  components: z.array(z.string()).describe('display names of the affected components on this page'),
  started_at: IsoDateTime,
  resolved_at: IsoDateTime.nullable(),
  updates: z.array(PublicIncidentUpdate).describe('newest first'),
});
export type PublicIncident = z.infer<typeof PublicIncident>;

export const PublicMaintenance = z.object({
  id: Id,
  title: z.string(),
  description_html: z.string(),
  status: z.enum(['scheduled', 'in_progress']),
  components: z.array(z.string()),
  starts_at: IsoDateTime,
  ends_at: IsoDateTime,
});
export type PublicMaintenance = z.infer<typeof PublicMaintenance>;

export const PublicStatusPage = z.object({
  slug: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  logo_url: z.string().nullable(),
  accent_color: z.string().nullable(),
  status: OverallStatus,
  components: z.array(PublicComponent),
  active_incidents: z.array(PublicIncident),
  past_incidents: z.array(PublicIncident).describe('resolved, newest first (first page; see /history)'),
  past_incidents_next_cursor: z.string().nullable(),
  maintenances: z.array(PublicMaintenance),
  show_incident_history: z.boolean(),
  generated_at: IsoDateTime,
});
export type PublicStatusPage = z.infer<typeof PublicStatusPage>;

export const PublicSlugParams = z.strictObject({ slug: z.string().min(1).max(64) });
export const PublicHistoryQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(50).default(20),
  cursor: z.string().max(200).optional(),
});
export const PublicIncidentHistory = paginated(PublicIncident);
export type PublicIncidentHistory = z.infer<typeof PublicIncidentHistory>;

export const PublicBadgeQuery = z.strictObject({
  metric: z.enum(['status', 'uptime']).default('status'),
});

export const PublicDomainParams = z.strictObject({ host: z.string().min(1).max(253) });
export const PublicDomainLookup = z.object({ slug: z.string() });

export const OVERALL_STATUS_TEXT: Record<OverallStatus, string> = {
  operational: 'All systems operational',
  degraded: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  maintenance: 'Under maintenance',
};

export const COMPONENT_STATUS_TEXT: Record<ComponentStatus, string> = {
  operational: 'Operational',
  degraded: 'Degraded',
  outage: 'Outage',
  maintenance: 'Maintenance',
  unknown: 'No data',
};
