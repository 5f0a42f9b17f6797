/**
 * Check runners (SPEC 4.2): turn a CheckTarget into a CheckResult. No database, no BullMQ: the
 * scheduler calls runCheck and stores the result. Every outbound connection goes through the
 * SSRF guard in ../outbound. See docs/checks.md.
 */
import { runDnsCheck } from './dns';
import { runHttpCheck } from './http';
import { runTcpCheck } from './tcp';
import { failure } from './result';
import type { CheckResult, CheckTarget, RunCheckOptions } from './types';

export type { CheckResult, CheckStatus, CheckTarget, CheckTimings, RunCheckOptions } from './types';
export { parseStatusRanges, statusMatches } from './status-ranges';
export { evaluateJsonPath, parseJsonPath } from './json-path';

/** Runs one check. Never throws: every failure is a 'down' result with a short error text. */
export async function runCheck(target: CheckTarget, opts: RunCheckOptions): Promise<CheckResult> {
  try {
    switch (target.type) {
      case 'http':
        return await runHttpCheck(target, opts);
      case 'dns':
        return await runDnsCheck(target, opts);
      case 'tcp':
        return await runTcpCheck(target, opts);
      default:
        return failure(`unsupported check type ${String((target as { type: unknown }).type)}`);
    }
  } catch (err) {
    // A runner bug must not take the scheduler down; it shows up as a down check with its text.
    return failure(`internal error: ${(err as Error).message}`.slice(0, 200));
  }
}
