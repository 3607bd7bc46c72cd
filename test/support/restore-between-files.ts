/**
 * Setup file of the quick project. Its workers run file after file in one process (vitest.config.ts,
 * `isolate: false`), so whatever a file stubs must not reach the next one: after each file, stubbed
 * globals and environment variables, fake timers and spies go back to what they were.
 */
import { afterAll, vi } from 'vitest';

afterAll(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
  vi.useRealTimers();
  vi.restoreAllMocks();
});
