import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one worker on a 2-core machine (cores - 1). Many tests wait on child
    // processes and servers, so three overlap better: 825 s against 993 s for the whole suite.
    maxWorkers: 3,
    reporters: ['default'],
  },
});
