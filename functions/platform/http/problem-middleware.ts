/**
 * middy middleware: any error thrown by the router or an area handler becomes an RFC 9457
 * problem+json response (the one place errors are mapped; see problem-response.ts).
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { powertoolsLogger } from '../../adapters/aws/powertools-logger.js';
import type { Logger } from '../../ports/logger.js';
import { lambdaTelemetry } from '../lambda-telemetry.js';
import { problemResult } from './problem-response.js';

/**
 * `logger`: where unexpected errors go, the function's `deps.logger`. Absent: the Lambda's own
 * Powertools logger (`lambdaTelemetry`, the instance `lazyHandler` gave this invocation's request
 * id), taken when an error happens, so a caller that passes none still logs JSON, never nothing.
 */
export function problemDetailsMiddleware(
  logger: Pick<Logger, 'warn' | 'error'> = { warn: (...args) => powertoolsLogger(lambdaTelemetry().logger).warn(...args), error: (...args) => powertoolsLogger(lambdaTelemetry().logger).error(...args) },
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    name: 'problem-details',
    onError: (request) => {
      const instance = request.event?.rawPath ?? request.event?.requestContext?.http?.path;
      request.response = problemResult(request.error, instance, logger);
    },
  };
}
