// The web's `@sentrypulse/web/testing` entry (ADR 0103): the e2e stack and its perf dataset, for
// bench:dashboard.
export { measure, newPage, startStack } from './e2e-support';
export { seedPerfTeam } from './perf-fixtures';
