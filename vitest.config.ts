import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time on the two cores: many tests wait on child processes, servers and disk,
    // and one at a time took 12 minutes.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
