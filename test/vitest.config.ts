import { defineConfig } from 'vitest/config';

/**
 * Four projects: fast unit tests, integration tests with real servers, browser tests in Chromium, and
 * the reliability suite (kill -9 and bit-flip trials; `npm run test:faults`, bounded in `npm test`).
 */
/** No test reads the real Azure Retail Prices API (no internet here); those about prices name a stand-in. */
const env = { COSMOS_BACKUP_RETAIL_PRICES_URL: 'off' };

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000, env } },
      {
        test: {
          name: 'integration',
          env,
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Real servers (PostgreSQL, Azurite, the emulator) share 2 cores: keep files sequential.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          env,
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'faults',
          env,
          include: ['test/faults/**/*.test.ts'],
          testTimeout: 1_800_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
