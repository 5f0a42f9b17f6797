// `pnpm bench [--full] [name ...]`: runs every `bench:*` script of the root package.json in turn
// (or those whose name contains one of the given names). Each benchmark prints its own figures and
// its ratio against the baseline it measures in the same run, and ends with one line
// `BENCH_SUMMARY {json}` ({bench, figure, baseline, ratio, target, met, load, scaled?}); this script
// collects those lines and ends with a summary table, one line per benchmark.
//
// Sizes: without --full, a few benchmarks run with the presets below so that the whole run
// finishes in well under 30 minutes on the 2-core machine (17.4 min at load average 4-10, 21.3 min
// at 11-31, the latter before bench:stats capped its baseline); the output says so for each.
// `--full` runs every benchmark at its own defaults (bench:stats then generates 10M pageviews:
// allow 13-15 minutes for it alone).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

const PRESETS = {
  'bench:stats': { args: ['--pageviews', '2000000'], note: 'SCALED DOWN: 2M pageviews instead of 10M' },
  'bench:monitors': {
    args: ['--monitors', '1000,5000,20000', '--duration', '60', '--skip-api'],
    note: 'preset: 1,000 / 5,000 / 20,000 monitors, 60 s each, API part skipped (its default is 1,000 monitors plus the API part at 20,000)',
  },
};

const argv = process.argv.slice(2);
const full = argv.includes('--full');
const only = argv.filter((a) => a !== '--full');
const scripts = Object.keys(JSON.parse(readFileSync('package.json', 'utf8')).scripts).filter((s) => s.startsWith('bench:'));

function run(name, args) {
  return new Promise((resolve) => {
    const child = spawn('pnpm', ['run', '--silent', name, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let pending = '';
    let summary = null;
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      pending += chunk.toString('utf8');
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const m = /^BENCH_SUMMARY (\{.*\})\s*$/.exec(line);
        if (m) {
          try {
            summary = JSON.parse(m[1]);
          } catch {
            summary = { figure: 'unreadable BENCH_SUMMARY line' };
          }
        }
      }
    });
    child.on('close', (code) => resolve({ code, summary }));
  });
}

const t0 = Date.now();
const results = [];
for (const name of scripts) {
  if (only.length && !only.some((o) => name.includes(o))) continue;
  const preset = full ? null : PRESETS[name];
  const args = preset?.args ?? [];
  console.log(`\n=== ${name}${args.length ? ` ${args.join(' ')}` : ''} ===`);
  if (preset) console.log(`(${preset.note}; \`pnpm bench --full\` or \`pnpm ${name}\` runs its own defaults)`);
  const started = Date.now();
  const { code, summary } = await run(name, args);
  results.push({ name, code, summary, seconds: (Date.now() - started) / 1000, preset: !!preset });
}

const cell = (v) => String(v ?? '–').replace(/\|/g, '/');
const yesNo = (r) => (r.code !== 0 && !r.summary ? `FAILED (exit ${r.code})` : r.summary?.met === true ? 'yes' : r.summary?.met === false ? 'NO' : '–');
console.log(`\n=== summary: pnpm bench${full ? ' --full' : ''}, ${((Date.now() - t0) / 60000).toFixed(1)} min, load average now ${loadavg()[0].toFixed(1)} ===`);
if (!full && results.some((r) => r.preset)) console.log('(* = run with the pnpm bench preset, not its default size: see its header above)');
console.log('| benchmark | key figure | baseline (same run) | ratio | target | met | load | time |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const s = r.summary ?? {};
  const figure = r.summary ? s.figure : r.code === 0 ? 'no BENCH_SUMMARY line' : `failed (exit ${r.code})`;
  console.log(
    `| ${r.name}${r.preset ? ' *' : ''} | ${cell(figure)}${s.scaled ? ` (SCALED DOWN ${cell(s.scaled)})` : ''} | ${cell(s.baseline)} | ${cell(s.ratio)} | ${cell(s.target)} | ${yesNo(r)} | ${cell(s.load)} | ${Math.round(r.seconds)} s |`,
  );
}
const failed = results.filter((r) => r.code !== 0).length;
process.exit(failed ? 1 : 0);
