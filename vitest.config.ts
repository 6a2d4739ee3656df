import { defineConfig } from 'vitest/config';

/**
 * Two suites: `unit` imports the TypeScript source (no build needed: the
 * global setup generates the schema's validator); `e2e` runs the built
 * `sop` binary as a child process, as a person would (`npm run test:e2e`
 * builds first).
 */
export default defineConfig({
  test: {
    globalSetup: ['tests/setup/generate-validator.ts'],
    // A test that runs the CLI a dozen times waits on processes, not on a clock: on two shared cores that can take seconds.
    testTimeout: 30_000,
    // Processes are spawned by many tests; two cores, so keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/**/*.test.ts'], exclude: ['tests/e2e/**'] } },
      { extends: true, test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'] } },
    ],
  },
});
