import {
  Counter,
  Gauge,
  Histogram,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
  type Metric,
  type Registry,
} from 'prom-client';

/**
 * Get-or-create metric factories bound to one registry: asking twice for a name returns the
 * metric already registered instead of throwing, so a Fastify plugin registered twice, two
 * modules sharing a series, or a test that builds many apps in one process never collide.
 * The registry stays the caller's (one per api instance, one per worker process; ADR 0055).
 */
export interface MetricFactories {
  counter<T extends string>(config: Omit<CounterConfiguration<T>, 'registers'>): Counter<T>;
  gauge<T extends string>(config: Omit<GaugeConfiguration<T>, 'registers'>): Gauge<T>;
  histogram<T extends string>(config: Omit<HistogramConfiguration<T>, 'registers'>): Histogram<T>;
}

export function metricsFor(registry: Registry): MetricFactories {
  function getOrCreate<M extends Metric>(name: string, make: () => M): M {
    return (registry.getSingleMetric(name) as M | undefined) ?? make();
  }
  return {
    counter: (config) => getOrCreate(config.name, () => new Counter({ ...config, registers: [registry] })),
    gauge: (config) => getOrCreate(config.name, () => new Gauge({ ...config, registers: [registry] })),
    histogram: (config) => getOrCreate(config.name, () => new Histogram({ ...config, registers: [registry] })),
  };
}

export { collectProcessMetrics, MISNAMED_DEFAULT_METRICS } from './process';
