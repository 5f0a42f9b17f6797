import { describe, expect, expectTypeOf, it } from 'vitest';
import { MONITOR_REQUIRED_FIELDS, monitorConfigIssues, MonitorType } from './index';

expectTypeOf<keyof typeof MONITOR_REQUIRED_FIELDS>().toEqualTypeOf<MonitorType>();

describe('MONITOR_REQUIRED_FIELDS', () => {
  it('names exactly the monitor types', () => {
    expect(Object.keys(MONITOR_REQUIRED_FIELDS).sort()).toEqual([...MonitorType.options].sort());
  });

  it('reports each missing field of a type, in order, with the type in the message', () => {
    expect(monitorConfigIssues({ type: 'http' })).toEqual([{ path: 'url', message: 'is required for http monitors' }]);
    expect(monitorConfigIssues({ type: 'dns' })).toEqual([
      { path: 'host', message: 'is required for dns monitors' },
      { path: 'dns_record_type', message: 'is required for dns monitors' },
    ]);
    expect(monitorConfigIssues({ type: 'tcp', host: 'db.internal' })).toEqual([{ path: 'port', message: 'is required for tcp monitors' }]);
    expect(monitorConfigIssues({ type: 'heartbeat' })).toEqual([]);
  });
});
