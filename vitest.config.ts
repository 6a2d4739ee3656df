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
    // The CLI's own state (steps shown, server credentials) in folders of each test file, not the home.
    setupFiles: ['tests/setup/private-state.ts'],
    // No time limit on a test or a hook: how long one takes depends on what else the machine runs,
    // never on whether it passes. A hang is a bug, and the CI job's own limit ends it.
    testTimeout: 0,
    hookTimeout: 0,
    // CLI tests spawn processes; two cores, so keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/**/*.test.ts'], exclude: ['tests/e2e/**'] } },
      { extends: true, test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'] } },
    ],
  },
});
