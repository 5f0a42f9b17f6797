import { collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * prom-client's default metrics that break Prometheus naming: gauges with the `_total` suffix
 * reserved for counters (`promtool check metrics`: "non-counter metrics should not have _total
 * suffix"). Each is the sum of a by-type gauge prom-client also exports under the name without
 * the suffix, so nothing is lost: `sum(<prefix>nodejs_active_handles)` is the old total.
 */
export const MISNAMED_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** The default process and Node.js metrics under `prefix`, without the misnamed totals. */
export function collectProcessMetrics(registry: Registry, prefix: string): void {
  collectDefaultMetrics({ register: registry, prefix });
  for (const name of MISNAMED_DEFAULT_METRICS) registry.removeSingleMetric(`${prefix}${name}`);
}
