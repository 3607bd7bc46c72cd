/**
 * Wraps a built handler in the Powertools middlewares: the logger learns the invocation's context
 * (every line then carries `function_request_id`, cold start, function name), the metrics are
 * flushed as one EMF line at the end of each invocation, and the tracer (when given) opens the
 * handler's subsegment. An SQS batch whose every record failed becomes a failed invocation
 * (`wholeBatchFailure`), so the consumer's Errors alarm sees it. Used by `lazyHandler` on Lambda
 * and by the local runner for every function.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { LambdaTelemetry } from './lambda-telemetry.js';
import { wholeBatchFailure } from './whole-batch-failure.js';

export type BuiltHandler<E, R> = (event: E, context?: unknown) => Promise<R>;

export function withTelemetry<E, R>(handler: BuiltHandler<E, R>, telemetry: LambdaTelemetry): BuiltHandler<E, R> {
  let wrapped = middy<E, R>()
    // resetKeys: keys appended during one invocation never leak into the next one.
    .use(injectLambdaContext(telemetry.logger, { resetKeys: true }))
    .use(logMetrics(telemetry.metrics));
  // The traced wiring (lambda-handler.ts) brings the tracer's middleware: this module, which the
  // untraced redirect bundles too, must not import the tracer package, not even its middleware.
  if (telemetry.tracerMiddleware) wrapped = wrapped.use(telemetry.tracerMiddleware);
  const withHandler = wrapped.handler(async (event: E, context: Context) => {
    const started = performance.now();
    try {
      const result = await handler(event, context);
      const failedBatch = wholeBatchFailure(event, result);
      if (failedBatch) throw failedBatch;
      return result;
    } catch (error) {
      // The uncaught error as a JSON line with the request id (Lambda's own line has neither shape nor fields).
      telemetry.logger.error('invocation failed', error as Error);
      throw error;
    } finally {
      // One line per invocation at DEBUG: with POWERTOOLS_LOG_LEVEL=DEBUG every invocation is traceable by request id.
      telemetry.logger.debug('invocation done', { duration_ms: Math.round(performance.now() - started) });
    }
  });
  return (event, context) => withHandler(event, (context ?? {}) as Context);
}
