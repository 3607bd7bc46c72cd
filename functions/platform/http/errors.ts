/**
 * Typed HTTP errors. Handlers and domain services throw these; one middleware
 * (`problem-response.ts`) turns them into `application/problem+json` (RFC 9457).
 * Anything that is not an `HttpError` becomes a 500 whose detail is never exposed.
 */

/** One failed field of a request, as listed in a 400 problem's `errors` array. */
export interface FieldError {
  /** JSON pointer-like path, e.g. `body.tiers.1.min_amount` or `query.limit`. */
  path: string;
  message: string;
}

export class HttpError extends Error {
  readonly status: number;
  readonly title: string;
  /** A stable, documented problem type (relative URI resolved against the API base). */
  readonly type: string;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    title: string,
    detail: string,
    options: { type?: string; cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.title = title;
    this.type = options.type ?? `/problems/${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
    this.headers = options.headers ?? {};
  }
}

/** 400: the request is malformed or a value is invalid; `errors` names each failing field. */
export class ValidationError extends HttpError {
  readonly errors: FieldError[];
  constructor(detail: string, errors: FieldError[] = [], options: { cause?: unknown } = {}) {
    super(400, 'Bad Request', detail, { type: '/problems/validation', cause: options.cause });
    this.errors = errors;
  }
}

/** 401: no credentials, or credentials that match no live key. */
export class UnauthorizedError extends HttpError {
  constructor(detail = 'A valid API key is required (Authorization: Bearer <key>).') {
    super(401, 'Unauthorized', detail, { headers: { 'www-authenticate': 'Bearer realm="api"' } });
  }
}

/**
 * 403: the caller is who it says and may see the object, but may not do this to it (a role
 * below the route's, a partner not active, an enrollment not approved). Never used for another
 * tenant's objects: those are 404 so existence does not leak.
 */
export class ForbiddenError extends HttpError {
  constructor(detail: string) {
    super(403, 'Forbidden', detail);
  }
}

/** 404: absent, deleted, or belonging to another tenant (indistinguishable on purpose). */
export class NotFoundError extends HttpError {
  constructor(detail = 'Not found.') {
    super(404, 'Not Found', detail);
  }
}

/** 405: the path exists with other methods. */
export class MethodNotAllowedError extends HttpError {
  constructor(allowed: string[]) {
    super(405, 'Method Not Allowed', `Allowed methods: ${allowed.join(', ')}.`, {
      headers: { allow: allowed.join(', ') },
    });
  }
}

/** 409: the request conflicts with the current state (duplicates, limits, illegal transitions). */
export class ConflictError extends HttpError {
  constructor(detail: string, options: { cause?: unknown } = {}) {
    super(409, 'Conflict', detail, options);
  }
}

/** 415: a write body that is not JSON. */
export class UnsupportedMediaTypeError extends HttpError {
  constructor(detail = 'Request bodies must be application/json.') {
    super(415, 'Unsupported Media Type', detail);
  }
}
