import type { AddressPolicy } from '../outbound';
import type { MonitorType } from '@sentrypulse/shared';

/** What one check needs to know about its monitor (built by the scheduler from the monitors row). */
export interface CheckTarget {
  /** Any monitor type: CHECK_RUNNERS has an entry for each (heartbeat's answers unsupported). */
  type: MonitorType;
  // http
  url?: string;
  /** Default GET. */
  method?: string;
  headers?: Record<string, string>;
  body?: string | null;
  /** Comma-separated codes and ranges, e.g. '200-299,301'. Default '200-299'. */
  expected_status?: string;
  /** Text that must appear in the first 1 MB of the body (or must not, with keyword_absent). Case-sensitive. */
  keyword?: string | null;
  keyword_absent?: boolean;
  /** Subset of JSONPath: `$`, `.name`, `['name']`, `[0]` (see docs/checks.md). */
  json_path?: string | null;
  /** Expected value at json_path, compared as text (strings as-is, others as JSON: 'true', '42'). Null: the path must exist. */
  json_expected?: string | null;
  /** Default true; at most 5 hops, each re-checked by the SSRF guard. */
  follow_redirects?: boolean;
  /** Accept self-signed / expired / wrong-host certificates (expiry is still reported). Default false. */
  ignore_tls_errors?: boolean;
  timeout_ms: number;
  /** Warn when the certificate expires within this many days (error text; status not changed). */
  ssl_expiry_days?: number | null;
  /** Slower than this (response_time_ms) marks the check 'degraded'. */
  degraded_threshold_ms?: number | null;
  // dns
  dns_record_type?: 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT' | 'NS';
  /** Every expected value must be among the answers (order-insensitive; names case-insensitive). */
  dns_expected?: string[] | null;
  // dns (the name queried) and tcp
  host?: string;
  port?: number;
}

export type CheckStatus = 'up' | 'down' | 'degraded';

export interface CheckTimings {
  dns: number | null;
  connect: number | null;
  tls: number | null;
  ttfb: number | null;
}

export interface CheckResult {
  status: CheckStatus;
  status_code: number | null;
  response_time_ms: number | null;
  timings: CheckTimings;
  /** Short human text: 'connection refused', 'timeout after 5000 ms', 'expected status 200-299, got 503'. */
  error: string | null;
  cert_expires_at: Date | null;
  cert_days_left: number | null;
}

export interface RunCheckOptions extends AddressPolicy {
  /** OUTBOUND_ALLOW_PRIVATE: private / loopback targets allowed (metadata addresses never are). */
  allowPrivate: boolean;
  /** DNS servers for dns checks ('1.1.1.1', '127.0.0.1:5353'); the system's when absent. */
  dnsServers?: string[];
  /** Extra trusted root certificates (PEM) for https checks: internal CAs (and tests). */
  ca?: string | string[];
}
