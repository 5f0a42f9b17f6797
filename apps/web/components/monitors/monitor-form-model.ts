import { CreateMonitorBody, UpdateMonitorBody, monitorConfigIssues, type Monitor, type MonitorType } from '@sentrypulse/shared';
import { z } from 'zod';

/**
 * The monitor form keeps strings (what inputs hold) and turns them into the API body here, so the
 * shared zod schema validates exactly what is sent. Pure, tested in test/monitor-form.test.ts.
 */
export interface MonitorFormState {
  type: MonitorType;
  name: string;
  url: string;
  method: string;
  headers: string;
  body: string;
  expected_status: string;
  keyword: string;
  keyword_absent: boolean;
  json_path: string;
  json_expected: string;
  follow_redirects: boolean;
  ssl_expiry_days: string;
  dns_record_type: string;
  dns_expected: string;
  host: string;
  port: string;
  heartbeat_grace_seconds: string;
  interval_seconds: string;
  timeout_ms: string;
  confirmations: string;
  degraded_threshold_ms: string;
  /** Open a performance incident when slow (only sent with a threshold; see monitorBodyFromForm). */
  alert_on_degraded: boolean;
  severity: string;
}

export const emptyMonitorForm = (type: MonitorType = 'http'): MonitorFormState => ({
  type,
  name: '',
  url: '',
  method: 'GET',
  headers: '',
  body: '',
  expected_status: '200-299',
  keyword: '',
  keyword_absent: false,
  json_path: '',
  json_expected: '',
  follow_redirects: true,
  ssl_expiry_days: '14',
  dns_record_type: 'A',
  dns_expected: '',
  host: '',
  port: '',
  heartbeat_grace_seconds: '60',
  interval_seconds: '60',
  timeout_ms: '10000',
  confirmations: '2',
  degraded_threshold_ms: '',
  alert_on_degraded: false,
  severity: 'critical',
});

export function formFromMonitor(m: Monitor): MonitorFormState {
  const s = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return {
    type: m.type,
    name: m.name,
    url: s(m.url),
    method: m.method ?? 'GET',
    headers: Object.entries(m.headers ?? {})
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n'),
    body: s(m.body),
    expected_status: s(m.expected_status),
    keyword: s(m.keyword),
    keyword_absent: m.keyword_absent,
    json_path: s(m.json_path),
    json_expected: s(m.json_expected),
    follow_redirects: m.follow_redirects,
    ssl_expiry_days: s(m.ssl_expiry_days),
    dns_record_type: m.dns_record_type ?? 'A',
    dns_expected: (m.dns_expected ?? []).join(', '),
    host: s(m.host),
    port: s(m.port),
    heartbeat_grace_seconds: s(m.heartbeat_grace_seconds),
    interval_seconds: s(m.interval_seconds),
    timeout_ms: s(m.timeout_ms),
    confirmations: s(m.confirmations),
    degraded_threshold_ms: s(m.degraded_threshold_ms),
    alert_on_degraded: m.alert_on_degraded,
    severity: m.severity,
  };
}

/** "" stays absent; anything else becomes a number (NaN lets zod say "must be a number"). */
function num(v: string): number | undefined {
  const t = v.trim();
  return t === '' ? undefined : Number(t);
}
function str(v: string): string | undefined {
  const t = v.trim();
  return t === '' ? undefined : t;
}

/** "Name: value" per line. A line without a colon keeps its text as the name so zod reports it. */
export function parseHeaders(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const i = line.indexOf(':');
    if (i < 0) out[line.trim()] = '';
    else out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return Object.keys(out).length ? out : undefined;
}

const CLEARABLE = ['headers', 'body', 'keyword', 'json_path', 'json_expected', 'ssl_expiry_days', 'dns_expected', 'degraded_threshold_ms'];
const BY_TYPE: Record<MonitorType, string[]> = {
  http: ['headers', 'body', 'keyword', 'json_path', 'json_expected', 'ssl_expiry_days', 'degraded_threshold_ms'],
  dns: ['dns_expected'],
  tcp: ['degraded_threshold_ms'],
  heartbeat: [],
};

/**
 * The option only means something with a threshold: without one it is left out on create (the
 * default, off) and sent as false on edit, so clearing the threshold also turns the alerting off
 * (the API refuses alert_on_degraded without a threshold).
 */
function alertOnDegraded(f: MonitorFormState, forEdit: boolean): boolean | undefined {
  if (str(f.degraded_threshold_ms)) return f.alert_on_degraded;
  return forEdit ? false : undefined;
}

/** Channels to send: the whole selection when it differs from what the monitor routes to now. */
export function changedChannelIds(selected: number[] | null, current: number[] | undefined): number[] | undefined {
  if (selected === null) return undefined;
  if (current === undefined) return selected;
  const a = [...new Set(selected)].sort((x, y) => x - y);
  const b = [...new Set(current)].sort((x, y) => x - y);
  return a.length === b.length && a.every((v, i) => v === b[i]) ? undefined : a;
}

/**
 * The body for POST/PATCH: only the fields the monitor's type uses. For an edit, an emptied
 * optional field is sent as null (PATCH leaves absent fields unchanged).
 */
export function monitorBodyFromForm(f: MonitorFormState, forEdit = false): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: f.name,
    interval_seconds: num(f.interval_seconds),
    confirmations: num(f.confirmations),
    severity: f.severity,
  };
  if (f.type !== 'heartbeat') body.timeout_ms = num(f.timeout_ms);
  Object.assign(body, TYPE_BODY[f.type](f, forEdit));
  if (forEdit) for (const k of BY_TYPE[f.type]) if (CLEARABLE.includes(k) && body[k] === undefined) body[k] = null;
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return body;
}

/** Whether the form offers a field for this type (the same table that decides what an edit clears). */
export const typeUsesField = (type: MonitorType, field: string): boolean => BY_TYPE[type].includes(field);

/** The type's own fields of the body, one entry per MonitorType (a new type must add its own). */
export const TYPE_BODY: Record<MonitorType, (f: MonitorFormState, forEdit: boolean) => Record<string, unknown>> = {
  http: (f, forEdit) => ({
    url: f.url.trim(),
    method: f.method,
    headers: parseHeaders(f.headers),
    body: f.body === '' ? undefined : f.body,
    expected_status: str(f.expected_status),
    keyword: str(f.keyword),
    keyword_absent: str(f.keyword) ? f.keyword_absent : undefined,
    json_path: str(f.json_path),
    json_expected: str(f.json_path) ? str(f.json_expected) : undefined,
    follow_redirects: f.follow_redirects,
    ssl_expiry_days: f.url.trim().startsWith('https:') ? num(f.ssl_expiry_days) : undefined,
    degraded_threshold_ms: num(f.degraded_threshold_ms),
    alert_on_degraded: alertOnDegraded(f, forEdit),
  }),
  dns: (f) => {
    const expected = f.dns_expected
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    return { host: f.host.trim(), dns_record_type: f.dns_record_type, dns_expected: expected.length ? expected : undefined };
  },
  tcp: (f, forEdit) => ({ host: f.host.trim(), port: num(f.port), degraded_threshold_ms: num(f.degraded_threshold_ms), alert_on_degraded: alertOnDegraded(f, forEdit) }),
  heartbeat: (f) => ({ heartbeat_grace_seconds: num(f.heartbeat_grace_seconds) }),
};

/** Create: the full schema including the type's cross-field rules. */
export const CreateMonitorForm = CreateMonitorBody;

/** Edit: the PATCH schema plus the same cross-field rules the API applies to the merged monitor. */
export const EditMonitorForm = (type: MonitorType) =>
  UpdateMonitorBody.superRefine((m, ctx) => {
    for (const issue of monitorConfigIssues({ ...m, type })) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
  });

export type MonitorFormSchema = z.ZodType<Record<string, unknown>>;
