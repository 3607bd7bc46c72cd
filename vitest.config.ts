import { defineConfig } from 'vitest/config';

/**
 * The long suites: `npm run test:proof` runs them, `npm test` never does. Each proves a property
 * at a size or with a machinery (real processes, a browser, a minute of load) that a developer
 * should not wait for after every change. test/suites.test.ts proves every test file belongs to
 * exactly one of the two projects.
 */
export const proofSuites = [
  'test/load/**/*.test.ts',
  'test/faults/**/*.test.ts',
  'test/fuzz/**/*.test.ts',
  'test/browser/**/*.test.ts',
  'test/bench/**/*.test.ts',
  'test/integration/end-to-end.test.ts',
  'test/integration/click-pipeline.test.ts',
  'test/integration/database-roles.test.ts',
  // Whole local platform (gateway, pollers, every Lambda) started per file: end to end, not a
  // handler test; a quarter of the quick suite's time before they moved here.
  'test/integration/webhook-concurrency.test.ts',
  'test/integration/local-vendor-notifications.test.ts',
];

// `npm test` is quiet: console output of passing tests is dropped, a failing test's is printed.
// TEST_LOGS=1 prints everything as it comes. The proof suites print their `[figures]` lines.
const showLogs = Boolean(process.env.TEST_LOGS);

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    silent: showLogs ? false : 'passed-only',
    maxWorkers: 2,
    env: {
      // Node 20 runs here while Lambda runs 22: the SDK's support notice would repeat in every worker.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // Powertools (the functions' logger and EMF metrics) prints nothing in tests unless a test asks
      // (the fault suites and the local-run telemetry test give their functions a level).
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    projects: [
      // isolate: false lets a worker run file after file in one process, so the SDK, CDK and PGlite
      // modules load once per worker instead of once per file (imports were half of the quick
      // suite's time). Each file still gets its own databases and stand-ins from test/support.
      {
        extends: true,
        test: {
          name: 'quick',
          include: ['test/**/*.test.ts'],
          exclude: proofSuites,
          isolate: false,
          setupFiles: ['test/support/restore-between-files.ts'],
        },
      },
      { extends: true, test: { name: 'proof', include: proofSuites } },
    ],
  },
});
