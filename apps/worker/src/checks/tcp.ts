import { performance } from 'node:perf_hooks';
import { connectGuarded } from '../outbound';
import { errorText, failure, noTimings, roundMs } from './result';
import type { CheckResult, CheckTarget, RunCheckOptions } from './types';

/** Port open = a TCP handshake completes (through the SSRF guard) within the timeout. */
export async function runTcpCheck(t: CheckTarget, opts: RunCheckOptions): Promise<CheckResult> {
  const host = t.host?.trim();
  if (!host) return failure('missing host');
  if (!Number.isInteger(t.port) || (t.port as number) < 1 || (t.port as number) > 65535) return failure('invalid port');
  if (!Number.isFinite(t.timeout_ms) || t.timeout_ms <= 0) return failure('invalid timeout');
  const started = performance.now();
  try {
    const { socket, info } = await connectGuarded({ hostname: host, port: t.port as number, protocol: 'tcp:' }, { allowPrivate: opts.allowPrivate, testPublicAddresses: opts.testPublicAddresses, timeoutMs: t.timeout_ms });
    socket.destroy();
    const responseTime = Math.round(performance.now() - started);
    const slow = t.degraded_threshold_ms !== null && t.degraded_threshold_ms !== undefined && responseTime > t.degraded_threshold_ms;
    return {
      status: slow ? 'degraded' : 'up',
      status_code: null,
      response_time_ms: responseTime,
      timings: { ...noTimings(), dns: roundMs(info.timings.dns), connect: roundMs(info.timings.connect) },
      error: slow ? `response time ${responseTime} ms exceeds ${t.degraded_threshold_ms} ms` : null,
      cert_expires_at: null,
      cert_days_left: null,
    };
  } catch (err) {
    return failure(errorText(err, t.timeout_ms));
  }
}
