import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Off by default; .ci/run asks for it (`--coverage`) and keeps the summary in test/artifacts/coverage.
    coverage: {
      provider: 'v8',
      include: [
        'api/**',
        'bin/**',
        'broker/**',
        'core/**',
        'dashboards/**/*.ts',
        'ingest/**',
        'metrics/**',
        'registry/**',
        'simulators/**',
        'store/**',
      ],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'test/artifacts/coverage',
    },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**', 'test/fuzz/**'],
          // Some start an API with its tenants' keys (scrypt) per test: on a loaded 2-core machine that
          // took more than vitest's 5 s; a test waits for its work, never for a speed.
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'fuzz',
          include: ['test/fuzz/**/*.test.ts'],
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
