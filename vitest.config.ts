import { defineConfig } from 'vitest/config';

// Unit tests start nothing (no database, no browser) and run in seconds (`npm run test:unit`);
// integration (in two projects) and e2e tests each get a fresh, migrated, seeded database of their
// own (tests/helpers/global-setup.ts). `npm test` runs them all.
const withDatabase = ['tests/helpers/global-setup.ts'];
/**
 * The longest integration files (property tests, fuzzing, worker processes): a project of their
 * own, with a database of its own, which `npm test` runs beside e2e so both halves take about as long.
 */
const longIntegration = [
  'tests/integration/rulebook-property.test.ts',
  'tests/integration/fuzz-events.test.ts',
  'tests/integration/fuzz-routes.test.ts',
  'tests/integration/worker-processes.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', './tests/helpers/summary-reporter.ts'],
    projects: [
      // Pure code: one worker thread's module cache serves every file, instead of a process per file.
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], pool: 'threads', isolate: false },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          exclude: longIntegration,
          globalSetup: withDatabase,
        },
      },
      {
        extends: true,
        test: { name: 'integration-long', include: longIntegration, globalSetup: withDatabase },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], globalSetup: withDatabase },
      },
    ],
  },
});
