/**
 * pnpm bench:dashboard [--runs 5]
 *
 * The bar of README "Dashboard": 500 monitors and a year of analytics interactive in under 1.5 s.
 * Starts the stack of the e2e tests (apps/web/test/e2e-support.ts: the real API and worker
 * modules on a fresh database, a production build of apps/web under `next start`, reused when
 * newer than the sources, NEXT_DIST_DIR picks its folder; Debian's Chromium via playwright-core),
 * seeds the e2e test 4 dataset (apps/web/test/perf-fixtures.ts), signs in once, then --runs
 * times loads cold, each in a new tab of the signed-in context (so the refresh round trip counts):
 *   - the monitors list until its 500th row is on screen;
 *   - the site dashboard (12 months) until its figures, breakdown rows and chart area are drawn.
 * Baseline, same run and same Next server: `/login` cold in a fresh context until its form is
 * ready. It is the same framework runtime, shared JS and server, without the API round trips and
 * the data, so the ratio is what the data costs on top of an empty page. Prints medians and p95
 * with the load average, the 1.5 s target and whether both medians met it, then one
 * `BENCH_SUMMARY {json}` line for `pnpm bench`.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { FACTORY_PASSWORD } from '@sentrypulse/api/testing';
import { measure, newPage, seedPerfTeam, startStack } from '@sentrypulse/web/testing';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const RUNS = Math.min(Math.max(Number(values.runs), 1), 50);
const TARGET_MS = 1_500;

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(s.length * p) - 1))]!;
}
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

const stack = await startStack();
try {
  const { user, teamId, siteId, target } = await seedPerfTeam(stack);
  const { context, page } = await newPage(stack);
  await page.goto('/login');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(FACTORY_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/t\/\d+\/monitors$/);
  await page.locator('[data-testid=monitor-list] > li:nth-child(500)').waitFor({ timeout: 30_000 });
  console.log(`bench:dashboard: ${RUNS} cold loads each, 2 cores, load average ${load()} before`);

  const times = { list: [] as number[], site: [] as number[], login: [] as number[] };
  for (let run = 0; run < RUNS; run++) {
    times.list.push((await measure(stack, context, `/t/${teamId}/monitors`, '[data-testid=monitor-list] > li:nth-child(500)')).ready_ms);
    times.site.push((await measure(stack, context, `/t/${teamId}/sites/${siteId}?range=12mo`, ['[data-testid=breakdown-page] li button', '[data-testid=breakdown-referrer] li button', '.recharts-surface path.recharts-area-area'])).ready_ms);
    const fresh = await stack.browser.newContext({ baseURL: stack.webUrl });
    times.login.push((await measure(stack, fresh, '/login', 'form button[type=submit]')).ready_ms);
    await fresh.close();
  }
  await context.close();
  await new Promise((r) => target.close(r));

  const row = (name: string, xs: number[]) => `${name.padEnd(44)} median ${pct(xs, 0.5)} ms   p95 ${pct(xs, 0.95)} ms   (${xs.join(' / ')})`;
  console.log(row('monitors list, 500th row on screen', times.list));
  console.log(row('site dashboard, 12 months drawn', times.site));
  console.log(row('baseline: /login cold, form ready', times.login));
  const [list, site, login] = [pct(times.list, 0.5), pct(times.site, 0.5), pct(times.login, 0.5)];
  const met = list < TARGET_MS && site < TARGET_MS;
  const l1 = +loadavg()[0]!.toFixed(1);
  console.log(`target: both medians < ${TARGET_MS} ms: ${met ? 'met' : 'NOT met'} (load average ${load()} after the runs)`);
  console.log(
    `BENCH_SUMMARY ${JSON.stringify({
      bench: 'dashboard',
      figure: `monitors list (500) median ${list} ms, p95 ${pct(times.list, 0.95)} ms; site 12 months median ${site} ms, p95 ${pct(times.site, 0.95)} ms`,
      baseline: `/login cold median ${login} ms`,
      ratio: `list ${(list / Math.max(1, login)).toFixed(2)}x, site ${(site / Math.max(1, login)).toFixed(2)}x`,
      target: `median < ${TARGET_MS} ms (both)`,
      met,
      load: l1,
    })}`,
  );
} finally {
  await stack.close();
}
