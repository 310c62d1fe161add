import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Real servers and a real browser on a shared 2-core machine: polls get time to settle.
          expect: { poll: { timeout: 10_000 } },
          // Each file starts its own servers; two cores do not gain from running them side by side.
          fileParallelism: false,
        },
      },
    ],
  },
})
