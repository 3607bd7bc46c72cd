/**
 * The cold-start wiring shared by `lazyHandler` (traced) and `lazyUntracedHandler`: on the first
 * invocation, build the telemetry, then the handler (the composition root reads the same
 * telemetry: logger, metrics and the tracer that wraps the SDK clients), then wrap the handler in
 * the Powertools middlewares. Never at import time, so tests import handler modules freely.
 */
import type { LambdaTelemetry } from './lambda-telemetry.js';
import { withTelemetry, type BuiltHandler } from './with-telemetry.js';

export function lazyTelemetryHandler<E, R>(build: () => BuiltHandler<E, R>, telemetry: () => LambdaTelemetry): BuiltHandler<E, R> {
  let built: BuiltHandler<E, R> | undefined;
  return (event, context) => {
    if (!built) {
      const shared = telemetry();
      built = withTelemetry(build(), shared);
    }
    return built(event, context);
  };
}
