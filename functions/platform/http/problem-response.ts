/**
 * RFC 9457 problem details. The single place an error becomes an HTTP answer: typed
 * `HttpError`s keep their status and detail; a database that is down or unreachable is a 503 with
 * Retry-After; anything else is a 500 with a generic detail (the cause goes to the log, never to
 * the caller).
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpError, ValidationError, type FieldError } from './errors.js';
import { isDatabaseUnavailable } from './sql-errors.js';
import { toGatewayResult } from './responses.js';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
}

export const problemContentType = 'application/problem+json';

/** The problem document for `error`, at `instance` (the request path). */
export function toProblem(error: unknown, instance?: string): { problem: ProblemDetails; headers: Record<string, string> } {
  if (error instanceof HttpError) {
    const problem: ProblemDetails = {
      type: error.type,
      title: error.title,
      status: error.status,
      detail: error.message,
      instance,
    };
    if (error instanceof ValidationError) problem.errors = error.errors;
    return { problem, headers: error.headers };
  }
  if (isDatabaseUnavailable(error)) {
    // The database is down or unreachable: the request itself is fine and can be retried shortly.
    return {
      problem: {
        type: '/problems/service-unavailable',
        title: 'Service Unavailable',
        status: 503,
        detail: 'The database is temporarily unavailable; retry the request shortly.',
        instance,
      },
      headers: { 'retry-after': '5' },
    };
  }
  return {
    problem: {
      type: '/problems/internal',
      title: 'Internal Server Error',
      status: 500,
      detail: 'The request could not be completed; it is safe to retry.',
      instance,
    },
    headers: {},
  };
}

/**
 * The gateway result for `error`; logs unexpected errors (with their stack) once. A database
 * outage is logged as one warning line without a stack: every request fails the same way then,
 * and the alarm is on the database, not on these lines.
 */
export function problemResult(error: unknown, instance?: string): APIGatewayProxyStructuredResultV2 {
  const { problem, headers } = toProblem(error, instance);
  if (problem.status === 503) {
    console.warn(JSON.stringify({ level: 'warn', message: 'database unavailable', instance, error: String(error) }));
  } else if (problem.status >= 500) {
    console.error(JSON.stringify({ level: 'error', message: 'unhandled error', instance, error: String(error), stack: (error as Error)?.stack }));
  }
  return toGatewayResult({ status: problem.status, body: problem, headers }, problemContentType);
}
