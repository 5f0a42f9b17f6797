import { defineConfig } from 'vitest/config';

// One run for the whole repo. Every test file gets its own database (createTestDatabase) and
// its own Redis key prefix, so files run in parallel without sharing state.
export default defineConfig({
  test: {
    include: ['apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'infrastructure/test/**/*.test.ts', 'eslint-rules/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/.next/**'],
    pool: 'forks',
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
  },
});
