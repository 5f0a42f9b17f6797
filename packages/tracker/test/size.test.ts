import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildTracker, GZIP_BUDGET, trackerScript } from '../src/index';
import { gzip } from '../src/build';

describe('tracker.js build', () => {
  it('stays within the 1 KB gzip budget (SPEC 4.6)', async () => {
    const code = await buildTracker();
    const size = gzip(code).length;
    expect(GZIP_BUDGET).toBe(1024);
    expect(size).toBeGreaterThan(200); // a real script, not an empty build
    expect(size).toBeLessThanOrEqual(GZIP_BUDGET);
  });

  it('ships no storage, cookie or console code, and no source comments', async () => {
    const code = await buildTracker();
    expect(code).not.toMatch(/localStorage|sessionStorage|indexedDB|cookie|console\./);
    expect(code).not.toMatch(/\/\*|SentryPulse tracker|\n/); // comments gone, one line
    expect(code).toContain('/api/analytics/collect');
  });

  it('serves one cached build with a gzip copy of the same bytes and a stable ETag', async () => {
    const a = await trackerScript();
    const b = await trackerScript();
    expect(b).toBe(a);
    expect(gunzipSync(a.gzip).equals(a.body)).toBe(true);
    expect(a.etag).toMatch(/^"[\w-]{22}"$/);
    expect(a.body.toString('utf8')).toBe(await buildTracker());
  });
});
