import { defineConfig } from 'vitest/config';

/**
 * Three kinds of tests: `unit` (domain, adapters with SDK mocks, ASL, CDK; never the network),
 * `integration` (starts the local AWS itself and drives the product through HTTP) and `browser`
 * (the finance console in headless Chromium against the local AWS).
 */
export default defineConfig({
  test: {
    reporters: process.env.CI ? ['default'] : ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/asl/**/*.test.ts', 'test/cdk/**/*.test.ts'],
          setupFiles: ['test/setup/sdk-matchers.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: 'forks',
          // One file at a time (each starts its own local AWS), each with fresh modules.
          poolOptions: { forks: { singleFork: true, isolate: true } },
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          // Chromium must be there and the console built (when its sources changed) before any test.
          globalSetup: ['test/browser/support/global-setup.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true, isolate: true } },
        },
      },
    ],
  },
});
