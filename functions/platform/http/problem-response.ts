/**
 * RFC 9457 problem details. The single place an error becomes an HTTP answer: the domain's errors
 * map to their status here (and nowhere else), typed `HttpError`s keep their status and detail; a database that is down or unreachable is a 503 with
 * Retry-After; anything else is a 500 with a generic detail (the cause goes to the log, never to
 * the caller).
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  HttpError,
  NotFoundError,
  UnavailableError,
  ValidationError,
  type FieldError,
} from './errors.js';
import { isDatabaseUnavailable } from '../sql-errors.js';
import type { Logger } from '../../ports/logger.js';
import { silentLogger } from '../silent-telemetry.js';
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
    return { problem, headers: error.headers };
  }
  const domain = domainProblemOf(error);
  if (domain) {
    const problem: ProblemDetails = { ...domain.problem, detail: (error as Error).message, instance };
    if (error instanceof ValidationError) problem.errors = error.errors;
    return { problem, headers: domain.headers };
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

/** The HTTP status, title and problem type of each domain error; undefined for anything else. */
function domainProblemOf(error: unknown): { problem: Omit<ProblemDetails, 'detail'>; headers: Record<string, string> } | undefined {
  if (!(error instanceof DomainError)) return undefined;
  if (error instanceof ValidationError) return { problem: { type: '/problems/validation', title: 'Bad Request', status: 400 }, headers: {} };
  if (error instanceof ForbiddenError) return { problem: { type: '/problems/forbidden', title: 'Forbidden', status: 403 }, headers: {} };
  if (error instanceof NotFoundError) return { problem: { type: '/problems/not-found', title: 'Not Found', status: 404 }, headers: {} };
  if (error instanceof ConflictError) return { problem: { type: '/problems/conflict', title: 'Conflict', status: 409 }, headers: {} };
  if (error instanceof UnavailableError) {
    return { problem: { type: '/problems/service-unavailable', title: 'Service Unavailable', status: 503 }, headers: { 'retry-after': '5' } };
  }
  // A DomainError without a more precise class is still the caller's problem, never a 500.
  return { problem: { type: '/problems/bad-request', title: 'Bad Request', status: 400 }, headers: {} };
}

/**
 * The gateway result for `error`; logs unexpected errors (with their stack) once, through the
 * function's logger. A database outage is logged as one warning line without a stack: every
 * request fails the same way then, and the alarm is on the database, not on these lines.
 */
export function problemResult(error: unknown, instance?: string, logger: Pick<Logger, 'warn' | 'error'> = silentLogger): APIGatewayProxyStructuredResultV2 {
  const { problem, headers } = toProblem(error, instance);
  if (problem.status === 503 && isDatabaseUnavailable(error)) {
    logger.warn('database unavailable', { instance, error: String(error) });
  } else if (problem.status >= 500 && !(error instanceof DomainError)) {
    // Powertools prints an Error argument as `error: { name, message, stack, cause }`.
    logger.error('unhandled error', { instance }, error instanceof Error ? error : new Error(String(error)));
  }
  return toGatewayResult({ status: problem.status, body: problem, headers }, problemContentType);
}
