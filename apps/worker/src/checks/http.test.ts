import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from './index';
import { startHttpServer, type TestServer } from './testing';
import type { CheckTarget } from './types';

let srv: TestServer;
let other: TestServer;
const open = { allowPrivate: true };
const http = (path: string, extra: Partial<CheckTarget> = {}): CheckTarget => ({ type: 'http', url: `${srv.url}${path}`, timeout_ms: 3000, ...extra });

beforeAll(async () => {
  srv = await startHttpServer();
  other = await startHttpServer();
});
afterAll(async () => {
  await srv.close();
  await other.close();
});

describe('http check: status codes', () => {
  it('is up on 200 with status code, response time and phases', async () => {
    const r = await runCheck(http('/ok'), open);
    expect(r).toMatchObject({ status: 'up', status_code: 200, error: null, cert_expires_at: null, cert_days_left: null });
    expect(r.response_time_ms).toBeGreaterThanOrEqual(0);
    expect(r.timings.dns).toBeNull(); // IP literal: no lookup
    expect(r.timings.connect).toBeGreaterThanOrEqual(0);
    expect(r.timings.tls).toBeNull();
    expect(r.timings.ttfb).toBeGreaterThanOrEqual(0);
  });

  it('measures a DNS phase when the URL has a host name', async () => {
    const r = await runCheck({ ...http('/ok'), url: `http://localhost:${srv.port}/ok` }, open);
    expect(r.status).toBe('up');
    expect(r.timings.dns).toBeGreaterThanOrEqual(0);
  });

  it.each([
    [500, 'expected status 200-299, got 500'],
    [503, 'expected status 200-299, got 503'],
    [404, 'expected status 200-299, got 404'],
  ])('is down on %i', async (code, error) => {
    const r = await runCheck(http(`/status/${code}`), open);
    expect(r).toMatchObject({ status: 'down', status_code: code, error });
    expect(r.response_time_ms).toBeGreaterThanOrEqual(0);
  });

  it('accepts configured status ranges', async () => {
    expect((await runCheck(http('/status/503', { expected_status: '200-299,503' }), open)).status).toBe('up');
    expect((await runCheck(http('/status/404', { expected_status: '4xx' }), open)).status).toBe('up');
    const r = await runCheck(http('/ok', { expected_status: '201,204' }), open);
    expect(r).toMatchObject({ status: 'down', error: 'expected status 201,204, got 200' });
  });

  it('reports an invalid expected status instead of accepting everything', async () => {
    const before = srv.requests.length;
    const r = await runCheck(http('/ok', { expected_status: '2000-abc' }), open);
    expect(r).toMatchObject({ status: 'down', error: "invalid expected status '2000-abc'" });
    expect(srv.requests.length).toBe(before);
  });
});

describe('http check: request', () => {
  it('sends method, headers and body', async () => {
    const r = await runCheck(
      http('/echo', { method: 'POST', headers: { 'X-Token': 'abc', 'Content-Type': 'application/json' }, body: '{"ping":1}', keyword: '"method":"POST"' }),
      open,
    );
    expect(r.status).toBe('up');
    const seen = srv.requests.at(-1)!;
    expect(seen).toMatchObject({ method: 'POST', body: '{"ping":1}' });
    expect(seen.headers['x-token']).toBe('abc');
    expect(seen.headers['content-type']).toBe('application/json');
    expect(seen.headers['user-agent']).toMatch(/^SentryPulse/);
  });

  it.each([
    [{ 'X-A': 'v\r\nInjected: 1' }, "invalid header 'X-A': contains a line break"],
    [{ 'X-A\r\nInjected': '1' }, "invalid header 'X-A  Injected': contains a line break"],
    [{ 'X-A': 'v\nSet-Cookie: x' }, "invalid header 'X-A': contains a line break"],
    [{ 'Bad Name': '1' }, "invalid header name 'Bad Name'"],
    [{ 'Transfer-Encoding': 'chunked' }, "header 'Transfer-Encoding' is not allowed"],
    [{ Connection: 'upgrade' }, "header 'Connection' is not allowed"],
  ])('refuses header injection %j without sending anything', async (headers, error) => {
    const before = srv.requests.length;
    const r = await runCheck(http('/echo', { headers }), open);
    expect(r).toMatchObject({ status: 'down', status_code: null, error });
    expect(srv.requests.length).toBe(before);
  });

  it.each([
    ['not a url', 'invalid URL'],
    ['ftp://127.0.0.1/', 'unsupported URL scheme ftp'],
    ['file:///etc/passwd', 'unsupported URL scheme file'],
  ])('refuses the URL %s', async (url, error) => {
    expect(await runCheck({ type: 'http', url, timeout_ms: 1000 }, open)).toMatchObject({ status: 'down', error });
  });

  it('refuses an unknown method', async () => {
    expect(await runCheck(http('/ok', { method: 'CONNECT' }), open)).toMatchObject({ status: 'down', error: "unsupported method 'CONNECT'" });
  });

  it('sends basic auth from URL credentials', async () => {
    await runCheck({ ...http('/echo'), url: `http://user:p%40ss@127.0.0.1:${srv.port}/echo` }, open);
    expect(srv.requests.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
  });
});

describe('http check: timing', () => {
  it('times out with a clear error', async () => {
    const t0 = Date.now();
    const r = await runCheck(http('/hang', { timeout_ms: 300 }), open);
    expect(r).toMatchObject({ status: 'down', error: 'timeout after 300 ms', status_code: null });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('is degraded when slower than the threshold, up when faster', async () => {
    const slow = await runCheck(http('/slow?ms=250', { degraded_threshold_ms: 100 }), open);
    expect(slow.status).toBe('degraded');
    expect(slow.response_time_ms).toBeGreaterThanOrEqual(250);
    expect(slow.error).toMatch(/^response time \d+ ms exceeds 100 ms$/);
    const fast = await runCheck(http('/ok', { degraded_threshold_ms: 2000 }), open);
    expect(fast).toMatchObject({ status: 'up', error: null });
  });

  it('a slow answer past the timeout is down, not degraded', async () => {
    const r = await runCheck(http('/slow?ms=1000', { timeout_ms: 200, degraded_threshold_ms: 100 }), open);
    expect(r).toMatchObject({ status: 'down', error: 'timeout after 200 ms' });
  });
});

describe('http check: redirects', () => {
  it('follows a chain of redirects to the final answer', async () => {
    const before = srv.requests.length;
    const r = await runCheck(http('/chain/4', { keyword: 'OK' }), open);
    expect(r).toMatchObject({ status: 'up', status_code: 200, error: null });
    expect(srv.requests.slice(before).map((q) => q.path)).toEqual(['/chain/4', '/chain/3', '/chain/2', '/chain/1', '/ok']);
  });

  it('stops after 5 hops', async () => {
    const r = await runCheck(http('/loop'), open);
    expect(r).toMatchObject({ status: 'down', error: 'too many redirects (more than 5)', status_code: 301 });
    expect((await runCheck(http('/chain/5'), open)).status).toBe('up');
    expect((await runCheck(http('/chain/6'), open)).error).toBe('too many redirects (more than 5)');
  });

  it('does not follow when told not to: the 3xx is judged', async () => {
    const before = srv.requests.length;
    const r = await runCheck(http('/chain/2', { follow_redirects: false }), open);
    expect(r).toMatchObject({ status: 'down', status_code: 302, error: 'expected status 200-299, got 302' });
    expect(srv.requests.length - before).toBe(1);
    expect((await runCheck(http('/chain/2', { follow_redirects: false, expected_status: '300-399' }), open)).status).toBe('up');
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'blocked: 169.254.169.254 is a cloud metadata address'],
    ['http://[::ffff:169.254.169.254]/', 'blocked: 169.254.169.254 is a cloud metadata address'],
    ['http://2852039166/', 'blocked: 169.254.169.254 is a cloud metadata address'],
    ['http://0.0.0.0:1/', 'blocked: 0.0.0.0 is an unspecified address'],
    ['http://[fd00:ec2::254]/', 'blocked: fd00:ec2::254 is a cloud metadata address'],
  ])('re-checks every hop: a redirect to %s is refused even with allowPrivate', async (to, error) => {
    const r = await runCheck(http(`/to?url=${encodeURIComponent(to)}`), open);
    expect(r).toMatchObject({ status: 'down', error, status_code: null });
  });

  it('refuses a loopback or private first hop when private addresses are not allowed', async () => {
    // The first hop itself is loopback here, so the redirect is never followed: redirects from a
    // public-looking first hop to private addresses, and DNS rebinding, are in ssrf.test.ts.
    const r = await runCheck(http('/to?url=http://127.0.0.1/'), { allowPrivate: false });
    expect(r).toMatchObject({ status: 'down', error: 'blocked: 127.0.0.1 is a loopback address' });
    const r2 = await runCheck({ type: 'http', url: `http://10.0.0.1:${srv.port}/`, timeout_ms: 1000 }, { allowPrivate: false });
    expect(r2.error).toBe('blocked: 10.0.0.1 is a private address');
  });

  it('refuses a redirect to a non-http scheme', async () => {
    const r = await runCheck(http(`/to?url=${encodeURIComponent('file:///etc/passwd')}`), open);
    expect(r).toMatchObject({ status: 'down', error: 'redirect to unsupported URL scheme file' });
  });

  it('turns POST into GET on 303 and keeps it on 307', async () => {
    let before = srv.requests.length;
    await runCheck(http('/to?code=303&url=/echo', { method: 'POST', body: 'payload' }), open);
    expect(srv.requests.slice(before).map((q) => [q.method, q.body])).toEqual([
      ['POST', 'payload'],
      ['GET', ''],
    ]);
    before = srv.requests.length;
    await runCheck(http('/to?code=307&url=/echo', { method: 'POST', body: 'payload' }), open);
    expect(srv.requests.slice(before).map((q) => [q.method, q.body])).toEqual([
      ['POST', 'payload'],
      ['POST', 'payload'],
    ]);
  });

  it('drops credentials when a redirect leaves the origin', async () => {
    const target = `http://localhost:${other.port}/echo`;
    const r = await runCheck(http(`/to?url=${encodeURIComponent(target)}`, { headers: { Authorization: 'Bearer secret', 'X-Keep': 'yes' } }), open);
    expect(r.status).toBe('up');
    const seen = other.requests.at(-1)!;
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-keep']).toBe('yes');
    expect(srv.requests.at(-1)!.headers.authorization).toBe('Bearer secret');
  });
});

describe('http check: content assertions', () => {
  it('keyword present / absent', async () => {
    expect(await runCheck(http('/ok', { keyword: 'OK' }), open)).toMatchObject({ status: 'up', error: null });
    expect(await runCheck(http('/ok', { keyword: 'Healthy' }), open)).toMatchObject({ status: 'down', error: "keyword 'Healthy' not found", status_code: 200 });
    expect(await runCheck(http('/ok', { keyword: 'ok' }), open)).toMatchObject({ status: 'down', error: "keyword 'ok' not found" }); // case-sensitive
    expect(await runCheck(http('/ok', { keyword: 'ERROR', keyword_absent: true }), open)).toMatchObject({ status: 'up' });
    expect(await runCheck(http('/ok', { keyword: 'OK', keyword_absent: true }), open)).toMatchObject({ status: 'down', error: "keyword 'OK' found" });
  });

  it('reads at most 1 MB of body', async () => {
    expect((await runCheck(http('/big', { keyword: 'START' }), open)).status).toBe('up');
    expect(await runCheck(http('/big', { keyword: 'LATE-MARKER' }), open)).toMatchObject({ status: 'down', error: "keyword 'LATE-MARKER' not found" });
    expect(await runCheck(http('/big', { json_path: '$.a' }), open)).toMatchObject({ status: 'down', error: 'response too large for JSON assertion (over 1 MB)' });
  });

  it.each([
    ['$.status', 'ok', null],
    ['$.version', '3', null],
    ['$.healthy', 'true', null],
    ['$.data.items[0].ok', 'true', null],
    ['$.data.items[-1].name', 'cache', null],
    ["$['content-type']", 'x', null],
    ['$.data.items[1].ok', null, null], // exists (false) is enough without an expected value
    ['$.status', 'down', "JSON path $.status is 'ok', expected 'down'"],
    ['$.data.items[1].ok', 'true', "JSON path $.data.items[1].ok is 'false', expected 'true'"],
    ['$.missing', null, 'JSON path $.missing not found'],
    ['$.data.items[5]', null, 'JSON path $.data.items[5] not found'],
    ['status', null, "invalid JSON path 'status': must start with $"],
    ['$..status', null, "invalid JSON path '$..status' at '..status'"],
  ])('JSON path %s = %s', async (json_path, json_expected, error) => {
    const r = await runCheck(http('/json', { json_path, json_expected }), open);
    expect(r.error).toBe(error);
    expect(r.status).toBe(error === null ? 'up' : 'down');
  });

  it.each(['gzip', 'deflate', 'br'])('decompresses a %s body for keyword and JSON checks', async (enc) => {
    const r = await runCheck(http(`/gzip?enc=${enc}`, { headers: { 'Accept-Encoding': 'gzip, deflate, br' }, keyword: 'compressed ok', json_path: '$.status', json_expected: 'compressed ok' }), open);
    expect(r).toMatchObject({ status: 'up', error: null, status_code: 200 });
  });

  it('a corrupt compressed body is down with a clear error', async () => {
    expect(await runCheck(http('/gzip?enc=broken', { keyword: 'x' }), open)).toMatchObject({ status: 'down', error: 'invalid gzip response body' });
  });

  it('inflates at most 1 MB of a compression bomb', async () => {
    const before = process.memoryUsage().rss;
    const r = await runCheck(http('/gzip-bomb', { json_path: '$.a' }), open);
    expect(r).toMatchObject({ status: 'down', error: 'response too large for JSON assertion (over 1 MB)' });
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('a JSON assertion on a non-JSON body is down', async () => {
    expect(await runCheck(http('/not-json', { json_path: '$.status' }), open)).toMatchObject({ status: 'down', error: 'response is not valid JSON' });
  });
});

describe('http check: connection failures', () => {
  it('refuses a host name that resolves to loopback', async () => {
    const r = await runCheck({ type: 'http', url: `http://localhost:${srv.port}/ok`, timeout_ms: 2000 }, { allowPrivate: false });
    expect(r.status).toBe('down');
    expect(r.error).toMatch(/^blocked: (127\.0\.0\.1|::1) is a loopback address$/);
  });

  it('connection refused', async () => {
    const closed = await startHttpServer();
    const url = `${closed.url}/ok`;
    await closed.close();
    expect(await runCheck({ type: 'http', url, timeout_ms: 2000 }, open)).toMatchObject({ status: 'down', error: 'connection refused' });
  });

  it('an unresolvable host is refused with a clear error', async () => {
    expect(await runCheck({ type: 'http', url: 'http://no-such-host.invalid/', timeout_ms: 2000 }, open)).toMatchObject({
      status: 'down',
      error: 'could not resolve host no-such-host.invalid',
    });
  });

  it.each([
    ['http://127.0.0.1/', 'blocked: 127.0.0.1 is a loopback address'],
    ['http://2130706433/', 'blocked: 127.0.0.1 is a loopback address'],
    ['http://0x7f000001/', 'blocked: 127.0.0.1 is a loopback address'],
    ['http://0177.0.0.1/', 'blocked: 127.0.0.1 is a loopback address'],
    ['http://[::ffff:127.0.0.1]/', 'blocked: 127.0.0.1 is a loopback address'],
    ['http://[::1]/', 'blocked: ::1 is a loopback address'],
    ['http://192.168.0.1/', 'blocked: 192.168.0.1 is a private address'],
    ['http://100.64.1.1/', 'blocked: 100.64.1.1 is a carrier-grade NAT address'],
    ['http://169.254.169.254/', 'blocked: 169.254.169.254 is a cloud metadata address'],
    ['http://0.0.0.0/', 'blocked: 0.0.0.0 is an unspecified address'],
  ])('refuses %s when private addresses are not allowed', async (url, error) => {
    const r = await runCheck({ type: 'http', url, timeout_ms: 2000 }, { allowPrivate: false });
    expect(r).toMatchObject({ status: 'down', error, status_code: null });
  });
});
