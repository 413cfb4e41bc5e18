import { defineConfig } from 'vitest/config';

/**
 * Two kinds of tests: `unit` (domain, adapters with SDK mocks, ASL, CDK; never the network) and
 * `integration` (starts the local AWS itself and drives the product through HTTP).
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
    ],
  },
});
