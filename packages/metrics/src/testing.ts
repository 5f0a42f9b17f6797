import { spawnSync } from 'node:child_process';

/**
 * `promtool check metrics` (Debian's prometheus package; scripts/bootstrap.sh installs it) on an
 * exposition: code 0 and no output when Prometheus' own linter finds nothing. Shared by the api's
 * and the worker's metrics tests.
 */
export function promtool(exposition: string): { code: number | null; output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8', timeout: 20_000 });
  if (run.error) throw new Error(`promtool is not installed (apt-get install prometheus; see scripts/bootstrap.sh): ${run.error.message}`);
  return { code: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}
