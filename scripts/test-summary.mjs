// Prints the plain closing line CI reads ("N passed, N failed") from vitest's JSON report.
// A file whose set-up failed has no failed test (its tests are skipped), so failed files are
// counted and named too: "0 failed" must never hide a red run.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2] ?? 'test-results.json', 'utf8'));
const skipped = report.numPendingTests + report.numTodoTests;
const failedFiles = report.testResults.filter((f) => f.status === 'failed').map((f) => f.name.replace(`${process.cwd()}/`, ''));
console.log(
  `tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}` +
    (failedFiles.length ? `; failed files: ${failedFiles.length} (${failedFiles.join(', ')})` : ''),
);
