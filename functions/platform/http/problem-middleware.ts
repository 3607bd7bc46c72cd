/**
 * middy middleware: any error thrown by the router or an area handler becomes an RFC 9457
 * problem+json response (the one place errors are mapped; see problem-response.ts).
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Logger } from '../../ports/logger.js';
import { problemResult } from './problem-response.js';

/** `logger`: where unexpected errors go (the function's `deps.logger`); absent: nowhere. */
export function problemDetailsMiddleware(logger?: Pick<Logger, 'warn' | 'error'>): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    name: 'problem-details',
    onError: (request) => {
      const instance = request.event?.rawPath ?? request.event?.requestContext?.http?.path;
      request.response = problemResult(request.error, instance, logger);
    },
  };
}
