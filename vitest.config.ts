import { defineConfig } from 'vitest/config';

// Three projects: unit tests start nothing (no database, no browser) and run in seconds
// (`npm run test:unit`); integration and e2e tests each get a fresh, migrated, seeded database of
// their own (tests/helpers/global-setup.ts). `npm test` runs all three.
const withDatabase = ['tests/helpers/global-setup.ts'];

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
        test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], globalSetup: withDatabase },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], globalSetup: withDatabase },
      },
    ],
  },
});
