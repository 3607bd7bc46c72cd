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
];

// A quiet run: console output of passing tests is dropped, a failing test's output is printed.
// TEST_LOGS=1 prints everything as it comes.
const showLogs = Boolean(process.env.TEST_LOGS);

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    silent: showLogs ? false : 'passed-only',
    env: {
      // Node 20 runs here while Lambda runs 22: the SDK's support notice would repeat in every worker.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // Powertools' logger writes to its own console on process.stdout, which vitest does not
      // capture; in dev mode it writes through the global console, so the rule above applies to it.
      ...(showLogs ? {} : { POWERTOOLS_DEV: 'true' }),
    },
    projects: [
      { extends: true, test: { name: 'quick', include: ['test/**/*.test.ts'], exclude: proofSuites } },
      { extends: true, test: { name: 'proof', include: proofSuites } },
    ],
  },
});
