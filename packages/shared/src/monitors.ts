import { z } from 'zod';
import { Id, IdParam, IsoDateTime, paginated, utf8ByteLength } from './common';

/** Monitors and checks: the API contract (SPEC 4.2, 7). */

export const MonitorType = z.enum(['http', 'dns', 'tcp', 'heartbeat']);
export type MonitorType = z.infer<typeof MonitorType>;
export const MonitorStatus = z.enum(['pending', 'up', 'down', 'degraded', 'paused']);
export type MonitorStatus = z.infer<typeof MonitorStatus>;
export const CheckStatus = z.enum(['up', 'down', 'degraded']);
export type CheckStatus = z.infer<typeof CheckStatus>;
export const Severity = z.enum(['critical', 'major', 'minor']);
export type Severity = z.infer<typeof Severity>;
export const DnsRecordType = z.enum(['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS']);
export const HttpMethod = z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export const MIN_INTERVAL_SECONDS = 10;
export const MAX_INTERVAL_SECONDS = 86_400;
export const MAX_TIMEOUT_MS = 60_000;
export const MAX_BODY_BYTES = 16 * 1024;
export const DEFAULT_TIMEOUT_MS = 10_000;

/** `200-299`, `200,301-302`: comma-separated codes or ranges between 100 and 599. */
export const ExpectedStatus = z
  .string()
  .trim()
  .max(100, 'must be at most 100 characters')
  .refine((s) => {
    const parts = s.split(',').map((p) => p.trim());
    return parts.every((p) => {
      const m = /^(\d{3})(?:-(\d{3}))?$/.exec(p);
      if (!m) return false;
      const lo = Number(m[1]);
      const hi = m[2] ? Number(m[2]) : lo;
      return lo >= 100 && hi <= 599 && lo <= hi;
    });
  }, "must be status codes or ranges between 100 and 599, such as '200-299' or '200,301-302'");

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
/** Header values: visible ASCII/Latin-1 and tabs; CR, LF and NUL would let a value smuggle headers. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'te', 'trailer', 'keep-alive']);

export const MonitorHeaders = z
  .record(z.string(), z.string().max(2000, 'header values must be at most 2000 characters'))
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > 30) ctx.addIssue({ code: 'custom', message: 'must have at most 30 headers' });
    for (const name of names) {
      if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'is not a valid header name' });
      else if (FORBIDDEN_HEADERS.has(name.toLowerCase())) ctx.addIssue({ code: 'custom', path: [name], message: 'is set by the checker and cannot be overridden' });
      if (!HEADER_VALUE.test(headers[name]!)) ctx.addIssue({ code: 'custom', path: [name], message: 'must not contain control characters (CR, LF, NUL)' });
    }
  });

export const MonitorUrl = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .refine((u) => {
    try {
      const parsed = new URL(u);
      return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'must be an absolute http:// or https:// URL')
  .meta({ format: 'uri' });

const HOSTNAME = /^(?=.{1,253}$)(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?$/;
export const MonitorHost = z
  .string()
  .trim()
  .max(253, 'must be at most 253 characters')
  .refine((h) => HOSTNAME.test(h) || /^\[?[0-9a-fA-F:.]+\]?$/.test(h), 'must be a hostname or an IP address');

const Name = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const ShortText = (max: number) => z.string().max(max, `must be at most ${max} characters`);

/** Every field a monitor can carry; create requires the ones its type needs (see validateMonitorConfig). */
const MonitorFields = {
  name: Name,
  url: MonitorUrl.nullish(),
  method: HttpMethod.nullish(),
  headers: MonitorHeaders.nullish(),
  body: z
    .string()
    .refine((b) => utf8ByteLength(b) <= MAX_BODY_BYTES, `must be at most ${MAX_BODY_BYTES} bytes`)
    .nullish(),
  expected_status: ExpectedStatus.nullish(),
  keyword: ShortText(255).min(1, 'must not be empty').nullish(),
  keyword_absent: z.boolean().optional(),
  json_path: ShortText(255).regex(/^\$(\.[A-Za-z0-9_-]+|\[\d+\])*$/, "must be a JSON path such as '$.status' or '$.items[0].ok'").nullish(),
  json_expected: ShortText(255).nullish(),
  follow_redirects: z.boolean().optional(),
  ssl_expiry_days: z.number().int().min(1, 'must be at least 1').max(365, 'must be at most 365').nullish(),
  dns_record_type: DnsRecordType.nullish(),
  dns_expected: z.array(ShortText(255).min(1)).max(20, 'must have at most 20 values').nullish(),
  host: MonitorHost.nullish(),
  port: z.number().int().min(1, 'must be a port between 1 and 65535').max(65535, 'must be a port between 1 and 65535').nullish(),
  heartbeat_grace_seconds: z.number().int().min(0).max(MAX_INTERVAL_SECONDS).nullish(),
  interval_seconds: z
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(MIN_INTERVAL_SECONDS, `must be at least ${MIN_INTERVAL_SECONDS} seconds`)
    .max(MAX_INTERVAL_SECONDS, `must be at most ${MAX_INTERVAL_SECONDS} seconds (24 h)`),
  timeout_ms: z.number().int('must be whole milliseconds').min(100, 'must be at least 100 ms').max(MAX_TIMEOUT_MS, `must be at most ${MAX_TIMEOUT_MS} ms`).optional(),
  confirmations: z.number().int().min(1, 'must be at least 1').max(20, 'must be at most 20').optional(),
  recovery_confirmations: z.number().int().min(1, 'must be at least 1').max(20, 'must be at most 20').optional(),
  degraded_threshold_ms: z.number().int().min(1, 'must be at least 1 ms').max(MAX_TIMEOUT_MS).nullish(),
  /** Opt-in: `confirmations` slow checks in a row open a (minor) performance incident. Needs degraded_threshold_ms. */
  alert_on_degraded: z.boolean({ error: 'must be true or false' }).optional(),
  severity: Severity.optional(),
  regions: z.array(z.string().regex(/^[a-z0-9-]{1,32}$/)).max(10).nullish(),
  channel_ids: z.array(Id).max(50).optional(),
  /** The escalation policy its incidents follow (SPEC 11); null/absent: the team default, else its channels at once. */
  escalation_policy_id: Id.nullish(),
  enabled: z.boolean().optional(),
};

type ConfigLike = {
  type: MonitorType;
  url?: string | null;
  host?: string | null;
  port?: number | null;
  dns_record_type?: string | null;
  interval_seconds?: number;
  timeout_ms?: number;
  body?: string | null;
  method?: string | null;
  degraded_threshold_ms?: number | null;
  alert_on_degraded?: boolean;
};

/**
 * The fields each type cannot do without, in the order their issues are reported. A record over
 * the enum: a new MonitorType does not compile until it says what it requires.
 */
export const MONITOR_REQUIRED_FIELDS: Record<MonitorType, ReadonlyArray<'url' | 'host' | 'port' | 'dns_record_type'>> = {
  http: ['url'],
  dns: ['host', 'dns_record_type'],
  tcp: ['host', 'port'],
  heartbeat: [],
};

/** Rules that depend on the type (and on several fields); used for create and for merged updates. */
export function monitorConfigIssues(m: ConfigLike): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  for (const field of MONITOR_REQUIRED_FIELDS[m.type]) {
    if (!m[field]) issues.push({ path: field, message: `is required for ${m.type} monitors` });
  }
  if (m.body && (m.method === 'GET' || m.method === 'HEAD' || !m.method)) {
    issues.push({ path: 'body', message: 'needs a method that carries a body (POST, PUT, PATCH, DELETE)' });
  }
  if (m.timeout_ms !== undefined && m.interval_seconds !== undefined && m.type !== 'heartbeat' && m.timeout_ms > m.interval_seconds * 1000) {
    issues.push({ path: 'timeout_ms', message: 'must not be longer than the interval' });
  }
  if (m.degraded_threshold_ms && m.timeout_ms !== undefined && m.degraded_threshold_ms >= m.timeout_ms) {
    issues.push({ path: 'degraded_threshold_ms', message: 'must be below timeout_ms' });
  }
  if (m.alert_on_degraded) {
    if (m.type === 'heartbeat') issues.push({ path: 'alert_on_degraded', message: 'is not available for heartbeat monitors (a ping has no response time)' });
    else if (!m.degraded_threshold_ms) issues.push({ path: 'alert_on_degraded', message: 'needs degraded_threshold_ms: set the response time above which a check counts as slow' });
  }
  return issues;
}

export const CreateMonitorBody = z.strictObject({ type: MonitorType, ...MonitorFields }).superRefine((m, ctx) => {
  for (const issue of monitorConfigIssues(m)) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
});
export type CreateMonitorBody = z.infer<typeof CreateMonitorBody>;

/** PATCH: any field but the type; the merged monitor is validated again with the same rules. */
export const UpdateMonitorBody = z.strictObject({
  ...MonitorFields,
  name: Name.optional(),
  interval_seconds: MonitorFields.interval_seconds.optional(),
});
export type UpdateMonitorBody = z.infer<typeof UpdateMonitorBody>;

export const MonitorParams = z.strictObject({ teamId: IdParam, monitorId: IdParam });

export const MonitorListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
  status: MonitorStatus.optional(),
  type: MonitorType.optional(),
});

export const Timings = z.object({
  dns: z.number().nullable(),
  connect: z.number().nullable(),
  tls: z.number().nullable(),
  ttfb: z.number().nullable(),
});

export const Monitor = z.object({
  id: Id,
  team_id: Id,
  name: z.string(),
  type: MonitorType,
  url: z.string().nullable(),
  method: z.string().nullable(),
  /** Values of credential-like headers (authorization, cookie, *token*, *key*, *secret*) are masked. */
  headers: z.record(z.string(), z.string()).nullable(),
  body: z.string().nullable(),
  expected_status: z.string().nullable(),
  keyword: z.string().nullable(),
  keyword_absent: z.boolean(),
  json_path: z.string().nullable(),
  json_expected: z.string().nullable(),
  follow_redirects: z.boolean(),
  ssl_expiry_days: z.number().nullable(),
  dns_record_type: DnsRecordType.nullable(),
  dns_expected: z.array(z.string()).nullable(),
  host: z.string().nullable(),
  port: z.number().nullable(),
  heartbeat_url: z.string().nullable(),
  heartbeat_grace_seconds: z.number().nullable(),
  last_heartbeat_at: IsoDateTime.nullable(),
  interval_seconds: z.number(),
  timeout_ms: z.number(),
  confirmations: z.number(),
  recovery_confirmations: z.number(),
  degraded_threshold_ms: z.number().nullable(),
  /** Slow checks (above degraded_threshold_ms) open a performance incident after `confirmations` in a row. */
  alert_on_degraded: z.boolean(),
  severity: Severity,
  regions: z.array(z.string()).nullable(),
  /** Notification channels the monitor alerts (the team's defaults when created without channel_ids). */
  channel_ids: z.array(Id),
  /** SPEC 11; always present in answers (optional in the schema only so older fixtures still parse). */
  escalation_policy_id: Id.nullable().optional(),
  enabled: z.boolean(),
  status: MonitorStatus,
  uptime_24h: z.number().nullable(),
  last_checked_at: IsoDateTime.nullable(),
  last_response_time_ms: z.number().nullable(),
  last_error: z.string().nullable(),
  cert_expires_at: IsoDateTime.nullable(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Monitor = z.infer<typeof Monitor>;
export const MonitorList = paginated(Monitor);

export const ChecksQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
  from: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' }).optional(),
  to: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' }).optional(),
  status: CheckStatus.optional(),
});

export const Check = z.object({
  id: z.string(),
  status: CheckStatus,
  status_code: z.number().nullable(),
  response_time_ms: z.number().nullable(),
  timings: Timings,
  error: z.string().nullable(),
  cert_expires_at: IsoDateTime.nullable(),
  checked_at: IsoDateTime,
});
export type Check = z.infer<typeof Check>;
export const CheckList = paginated(Check);

export const MonitorStatsQuery = z.strictObject({
  range: z.enum(['1h', '24h', '7d']).default('24h'),
});

export const MonitorStats = z.object({
  uptime: z.object({ '24h': z.number().nullable(), '7d': z.number().nullable(), '30d': z.number().nullable(), '90d': z.number().nullable() }),
  days: z.array(
    z.object({
      date: z.string(),
      uptime: z.number().nullable(),
      checks: z.number(),
      downtime_seconds: z.number(),
      avg_response_time_ms: z.number().nullable(),
      p95_response_time_ms: z.number().nullable(),
    }),
  ),
  response_times: z.array(
    z.object({
      bucket_start: IsoDateTime,
      checks: z.number(),
      avg: z.number().nullable(),
      p50: z.number().nullable(),
      p95: z.number().nullable(),
    }),
  ),
});
export type MonitorStats = z.infer<typeof MonitorStats>;

export const CheckNowResult = z.object({ queued: z.literal(true), job_id: z.string() });

export const HeartbeatParams = z.strictObject({ token: z.string().min(1).max(64) });
export const HeartbeatResult = z.object({ ok: z.literal(true), monitor_id: Id });
