import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    // CLI tests spawn processes; two cores, so keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
  },
});
