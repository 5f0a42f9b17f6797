import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { metricsFor } from './index';

describe('metricsFor', () => {
  it('returns the registered metric when a name is asked for twice', async () => {
    const registry = new Registry();
    const m = metricsFor(registry);
    const a = m.counter({ name: 'test_things_total', help: 'things' });
    const b = m.counter({ name: 'test_things_total', help: 'things again' });
    expect(b).toBe(a);
    a.inc();
    b.inc(2);
    expect((await registry.getSingleMetricAsString('test_things_total')).trim().split('\n').at(-1)).toBe('test_things_total 3');
    expect(m.gauge({ name: 'test_level', help: 'level' })).toBe(m.gauge({ name: 'test_level', help: 'level' }));
    expect(m.histogram({ name: 'test_seconds', help: 's', buckets: [1] })).toBe(m.histogram({ name: 'test_seconds', help: 's' }));
  });

  it('keeps registries apart: the same name in two registries is two metrics', async () => {
    const one = new Registry();
    const two = new Registry();
    metricsFor(one).counter({ name: 'test_apart_total', help: 'x' }).inc(5);
    metricsFor(two).counter({ name: 'test_apart_total', help: 'x' });
    expect(await one.getSingleMetricAsString('test_apart_total')).toContain('test_apart_total 5');
    expect(await two.getSingleMetricAsString('test_apart_total')).toContain('test_apart_total 0');
  });
});
