/**
 * `lazyHandler` without X-Ray: logger and metrics only. For the redirect, whose bundle and cold
 * start must stay close to the bare SDK clients' (docs/operations.md "Tracing": the tracer costs
 * it more than it tells). This module must not import `@aws-lambda-powertools/tracer`.
 */
import { lambdaTelemetry } from './lambda-telemetry.js';
import { lazyTelemetryHandler } from './lazy-telemetry-handler.js';
import type { BuiltHandler } from './with-telemetry.js';

export function lazyUntracedHandler<E, R>(build: () => BuiltHandler<E, R>): BuiltHandler<E, R> {
  return lazyTelemetryHandler(build, lambdaTelemetry);
}
