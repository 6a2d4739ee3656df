import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // No time limit on a test or a hook: how long one takes depends on what else the machine runs,
    // never on whether it passes. A hang is a bug, and the CI job's own limit ends it.
    testTimeout: 0,
    hookTimeout: 0,
    // CLI tests spawn processes; two cores, so keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
  },
});
