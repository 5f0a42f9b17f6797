// `pnpm bench`: runs every `bench:*` script of the root package.json in turn. Each benchmark
// prints its own figures and its ratio against the baseline it measures in the same run.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const scripts = Object.keys(JSON.parse(readFileSync('package.json', 'utf8')).scripts).filter((s) => s.startsWith('bench:'));
const only = process.argv.slice(2);
let failed = 0;
for (const name of scripts) {
  if (only.length && !only.some((o) => name.includes(o))) continue;
  console.log(`\n=== ${name} ===`);
  const res = spawnSync('pnpm', ['run', '--silent', name], { stdio: 'inherit' });
  if (res.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
