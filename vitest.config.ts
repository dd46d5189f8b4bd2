import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two files at a time even on a two-core machine (vitest's default there is one): the tests wait
    // on PostgreSQL and Chromium more than they compute, so the suite takes ten minutes, not sixteen.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    reporters: ['default', './tests/helpers/summary-reporter.ts'],
  },
});
