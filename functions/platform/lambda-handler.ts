/**
 * Every handler module exports `createHandler(deps)` (used by tests and the local runner) and
 * `handler` (used by Lambda), the latter built with `lazyHandler` so that the composition root
 * runs once per cold start, on the first invocation, and never at import time in tests.
 */
import type { PlatformDeps } from './composition-root.js';

export type CreateHandler<E, R> = (deps: PlatformDeps) => (event: E, context?: unknown) => Promise<R>;

export function lazyHandler<E, R>(
  build: () => (event: E, context?: unknown) => Promise<R>,
): (event: E, context?: unknown) => Promise<R> {
  let built: ((event: E, context?: unknown) => Promise<R>) | undefined;
  return (event, context) => {
    built ??= build();
    return built(event, context);
  };
}
