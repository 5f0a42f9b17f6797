/**
 * Check runners (SPEC 4.2): turn a CheckTarget into a CheckResult. No database, no BullMQ: the
 * scheduler calls runCheck and stores the result. Every outbound connection goes through the
 * SSRF guard in ../outbound. See docs/checks.md.
 */
import { runDnsCheck } from './dns';
import { runHttpCheck } from './http';
import { runTcpCheck } from './tcp';
import { failure } from './result';
import type { MonitorType } from '@sentrypulse/shared';
import type { CheckResult, CheckTarget, RunCheckOptions } from './types';

export type { CheckResult, CheckStatus, CheckTarget, CheckTimings, RunCheckOptions } from './types';
export { parseStatusRanges, statusMatches } from './status-ranges';
export { evaluateJsonPath, parseJsonPath } from './json-path';

type CheckRunner = (target: CheckTarget, opts: RunCheckOptions) => Promise<CheckResult>;

/**
 * One runner per monitor type, so a new MonitorType does not compile until it says how it is
 * checked. Heartbeat monitors are pinged by the watched job, never probed: the scheduler does not
 * queue them, and one that reaches the runner anyway is a down result, not a crash.
 */
export const CHECK_RUNNERS: Record<MonitorType, CheckRunner> = {
  http: runHttpCheck,
  dns: runDnsCheck,
  tcp: runTcpCheck,
  heartbeat: async (target) => failure(`unsupported check type ${target.type}`),
};

/** Runs one check. Never throws: every failure is a 'down' result with a short error text. */
export async function runCheck(target: CheckTarget, opts: RunCheckOptions): Promise<CheckResult> {
  try {
    return await CHECK_RUNNERS[target.type](target, opts);
  } catch (err) {
    // A runner bug must not take the scheduler down; it shows up as a down check with its text.
    return failure(`internal error: ${(err as Error).message}`.slice(0, 200));
  }
}
