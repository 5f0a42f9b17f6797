import { z } from 'zod';
import { Id, IdParam, IsoDateTime, paginated } from './common';
import { Severity } from './monitors';

/** Incidents and maintenance windows: the API contract (SPEC 4.3, 7). */

export const IncidentStatus = z.enum(['investigating', 'identified', 'monitoring', 'resolved']);
export type IncidentStatus = z.infer<typeof IncidentStatus>;
export const IncidentKind = z.enum(['auto', 'manual', 'certificate']);
/**
 * What an automatic incident is about: `down` (an outage) or `degraded` (a performance incident,
 * opened only for monitors with `alert_on_degraded`). null for manual and certificate incidents.
 */
export const IncidentCause = z.enum(['down', 'degraded']);
export type IncidentCause = z.infer<typeof IncidentCause>;
export const IncidentEventType = z.enum(['incident.opened', 'incident.updated', 'incident.resolved', 'certificate.expiring', 'incident.acknowledged']);
export type IncidentEventType = z.infer<typeof IncidentEventType>;

const Title = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const Message = z.string().trim().min(1, 'must not be empty').max(10_000, 'must be at most 10000 characters');
const IdList = z
  .array(Id)
  .max(100, 'must have at most 100 entries')
  .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id');

export const CreateIncidentBody = z.strictObject({
  title: Title,
  severity: Severity.default('major'),
  status: IncidentStatus.exclude(['resolved']).default('investigating'),
  message: Message,
  monitor_ids: IdList.default([]),
  status_page_ids: IdList.default([]),
});
export type CreateIncidentBody = z.infer<typeof CreateIncidentBody>;

export const UpdateIncidentBody = z.strictObject({
  title: Title.optional(),
  severity: Severity.optional(),
  monitor_ids: IdList.optional(),
  status_page_ids: IdList.optional(),
});

export const IncidentUpdateBody = z.strictObject({ status: IncidentStatus, message: Message });
export const PostmortemBody = z.strictObject({ postmortem: z.string().trim().min(1, 'must not be empty').max(50_000, 'must be at most 50000 characters') });

export const IncidentParams = z.strictObject({ teamId: IdParam, incidentId: IdParam });
export const IncidentListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
  status: z.enum(['open', 'resolved']).optional(),
  monitor_id: IdParam.optional(),
});

export const IncidentUpdate = z.object({
  id: Id,
  status: IncidentStatus,
  message: z.string(),
  created_by: Id.nullable(),
  created_at: IsoDateTime,
});

export const Incident = z.object({
  id: Id,
  title: z.string(),
  kind: IncidentKind,
  cause: IncidentCause.nullable(),
  status: IncidentStatus,
  severity: Severity,
  monitor_id: Id.nullable(),
  monitor_ids: z.array(Id),
  status_page_ids: z.array(Id),
  started_at: IsoDateTime,
  resolved_at: IsoDateTime.nullable(),
  acknowledged_by: Id.nullable(),
  acknowledged_at: IsoDateTime.nullable(),
  /** Acknowledged from an alert's signed link: the channel's recipient (SPEC 11); absent in older answers. */
  acknowledged_via: z.string().nullable().optional(),
  postmortem: z.string().nullable(),
  updates: z.array(IncidentUpdate),
  created_at: IsoDateTime,
});
export type Incident = z.infer<typeof Incident>;
export const IncidentList = paginated(Incident);

export const IncidentEvent = z.object({
  id: z.string(),
  incident_id: Id,
  monitor_id: Id.nullable(),
  type: IncidentEventType,
  created_at: IsoDateTime,
});
export const IncidentEventList = paginated(IncidentEvent);

export const CreateMaintenanceBody = z
  .strictObject({
    title: Title,
    description: z.string().trim().max(10_000).nullish(),
    starts_at: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' }),
    ends_at: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' }),
    monitor_ids: IdList.min(1, 'must name at least one monitor'),
  })
  .refine((m) => Date.parse(m.ends_at) > Date.parse(m.starts_at), { path: ['ends_at'], message: 'must be after starts_at' })
  .refine((m) => Date.parse(m.ends_at) - Date.parse(m.starts_at) <= 31 * 86_400_000, { path: ['ends_at'], message: 'a window may last at most 31 days' });
export type CreateMaintenanceBody = z.infer<typeof CreateMaintenanceBody>;

export const MaintenanceParams = z.strictObject({ teamId: IdParam, maintenanceId: IdParam });
export const MaintenanceListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
  when: z.enum(['upcoming', 'active', 'past', 'all']).default('all'),
});

export const Maintenance = z.object({
  id: Id,
  title: z.string(),
  description: z.string().nullable(),
  starts_at: IsoDateTime,
  ends_at: IsoDateTime,
  monitor_ids: z.array(Id),
  created_at: IsoDateTime,
});
export type Maintenance = z.infer<typeof Maintenance>;
export const MaintenanceList = paginated(Maintenance);
