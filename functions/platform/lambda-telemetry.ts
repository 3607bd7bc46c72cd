/**
 * The function's Powertools `Logger` and `Metrics` (and, where the function is traced, its
 * `Tracer`), built once per process at cold start. One instance serves both ends: the middlewares
 * that give each invocation its request id and flush its metrics (`withTelemetry`), and the
 * `PlatformDeps.logger` / `PlatformDeps.metrics` the code logs and counts through.
 *
 * Powertools reads its settings from the environment the CDK app sets: POWERTOOLS_SERVICE_NAME
 * (the function), POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_LOG_LEVEL (or Lambda's own
 * AWS_LAMBDA_LOG_LEVEL); POWERTOOLS_METRICS_DISABLED silences EMF (the test suite sets it).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import { metricsNamespace } from '../../lib/resources.js';

/** The part of Powertools' `Tracer` the platform uses; its module is imported only by traced functions. */
export interface AwsClientTracer {
  captureAWSv3Client<T>(client: T): T;
}

export interface LambdaTelemetry {
  logger: Logger;
  metrics: Metrics;
  /** Absent on functions that are not traced (the redirect: docs/operations.md "Tracing"). */
  tracer?: AwsClientTracer & object;
  /** The tracer's handler middleware (`captureLambdaHandler`), set with `tracer` by the traced wiring. */
  tracerMiddleware?: MiddlewareObj;
}

/** The metrics namespace when none is configured (the CDK app always sets POWERTOOLS_METRICS_NAMESPACE). */
export const DEFAULT_METRICS_NAMESPACE = metricsNamespace();

export interface LambdaTelemetryOptions {
  /** @default POWERTOOLS_SERVICE_NAME, else Powertools' `service_undefined` */
  serviceName?: string;
  /** @default POWERTOOLS_METRICS_NAMESPACE, else `DEFAULT_METRICS_NAMESPACE` */
  namespace?: string;
  /** @default POWERTOOLS_LOG_LEVEL / AWS_LAMBDA_LOG_LEVEL, else INFO */
  logLevel?: LogLevel;
}

/** A fresh Logger and Metrics (the local runner builds one pair per function). */
export function createLambdaTelemetry(options: LambdaTelemetryOptions = {}): LambdaTelemetry {
  const namespace = options.namespace ?? (process.env.POWERTOOLS_METRICS_NAMESPACE || DEFAULT_METRICS_NAMESPACE);
  const logger = new Logger({ ...(options.serviceName ? { serviceName: options.serviceName } : {}), ...(options.logLevel ? { logLevel: options.logLevel } : {}) });
  // Metrics' own warnings go through the one logger (JSON, request id), minus the one it writes
  // after every invocation that counted nothing: most invocations of most functions count nothing.
  const metricsLogger = {
    debug: (...args: unknown[]) => logger.debug(String(args[0])),
    info: (...args: unknown[]) => logger.info(String(args[0])),
    warn: (...args: unknown[]) => {
      if (!String(args[0]).startsWith('No application metrics to publish')) logger.warn(String(args[0]));
    },
    error: (...args: unknown[]) => logger.error(String(args[0])),
  };
  return {
    logger,
    metrics: new Metrics({ namespace, logger: metricsLogger, ...(options.serviceName ? { serviceName: options.serviceName } : {}) }),
  };
}

let current: LambdaTelemetry | undefined;

/**
 * This Lambda's telemetry. One per process on purpose: the handler's middlewares and the
 * composition root (which the handler modules call without arguments) must share the instances,
 * or the request id would be missing from the lines the code writes. Built on the first call
 * (cold start, first invocation), never at import.
 */
export function lambdaTelemetry(): LambdaTelemetry {
  current ??= createLambdaTelemetry();
  return current;
}
