// pnpm --filter @sentrypulse/tracker build: writes dist/tracker.js, prints its size, and fails
// when the gzipped size is over the 1 KB budget (SPEC 4.6), so a too-big tracker never ships.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { buildTracker, DIST, gzip, GZIP_BUDGET } from '../src/build';

const code = await buildTracker();
const zipped = gzip(code).length;
await mkdir(dirname(DIST), { recursive: true });
await writeFile(DIST, code);
const where = relative(process.cwd(), DIST) || DIST;
console.log(`${where}: ${Buffer.byteLength(code)} B raw, ${zipped} B gzipped (budget ${GZIP_BUDGET} B)`);
if (zipped > GZIP_BUDGET) {
  console.error(`tracker.js is ${zipped - GZIP_BUDGET} B over the ${GZIP_BUDGET} B gzip budget`);
  process.exitCode = 1;
}
