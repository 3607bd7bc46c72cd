/**
 * Every handler module exports `createHandler(deps)` (used by tests and the local runner) and
 * `handler` (used by Lambda), the latter built with `lazyHandler` so that the composition root
 * runs once per cold start, on the first invocation, and never at import time in tests.
 *
 * `lazyHandler` also attaches Powertools (functions/platform/with-telemetry.ts): the logger with
 * the invocation's request id, EMF metrics flushed per invocation, and X-Ray through `Tracer`,
 * which the composition root also wraps around the AWS SDK clients. The redirect uses
 * `lazyUntracedHandler` instead.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { PlatformDeps } from './composition-root.js';
import { lambdaTelemetry, type LambdaTelemetry } from './lambda-telemetry.js';
import { lazyTelemetryHandler } from './lazy-telemetry-handler.js';
import type { BuiltHandler } from './with-telemetry.js';

export type CreateHandler<E, R> = (deps: PlatformDeps) => (event: E, context?: unknown) => Promise<R>;

function tracedTelemetry(): LambdaTelemetry {
  const telemetry = lambdaTelemetry();
  if (!telemetry.tracer) {
    const tracer = new Tracer();
    telemetry.tracer = tracer;
    telemetry.tracerMiddleware = captureLambdaHandler(tracer);
  }
  return telemetry;
}

export function lazyHandler<E, R>(build: () => BuiltHandler<E, R>): BuiltHandler<E, R> {
  return lazyTelemetryHandler(build, tracedTelemetry);
}
