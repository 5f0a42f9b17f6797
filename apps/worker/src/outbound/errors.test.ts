import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { describeOutboundError, guardedRequest } from './index';

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('describeOutboundError', () => {
  it('turns real failures of guardedRequest into short text', async () => {
    const port = await closedPort();
    const refused = await guardedRequest(`http://127.0.0.1:${port}/`, {}, { allowPrivate: true }).catch((e: unknown) => e);
    expect(describeOutboundError(refused)).toBe('connection refused');
    const blocked = await guardedRequest('http://10.0.0.1/', {}, { allowPrivate: false }).catch((e: unknown) => e);
    expect(describeOutboundError(blocked)).toBe('blocked: 10.0.0.1 is a private address');
    const unresolved = await guardedRequest('http://nowhere.invalid/', {}, { allowPrivate: false }).catch((e: unknown) => e);
    expect(describeOutboundError(unresolved)).toBe('could not resolve host nowhere.invalid');
  });

  it.each([
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), undefined, 'connection reset by peer'],
    [Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), 5000, 'timeout after 5000 ms'],
    [Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), undefined, 'timeout'],
    [Object.assign(new Error('x'), { code: 'HPE_INVALID_CONSTANT' }), undefined, 'invalid HTTP response'],
    [Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect EHOSTUNREACH'), { code: 'EHOSTUNREACH' }) }), undefined, 'host unreachable'],
    [new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 200, 'timeout after 200 ms'],
    [new Error('something else'), undefined, 'something else'],
  ])('%s', (err, timeoutMs, text) => {
    expect(describeOutboundError(err, timeoutMs)).toBe(text);
  });
});
