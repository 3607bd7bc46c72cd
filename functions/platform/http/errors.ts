/**
 * HTTP errors. The domain and the use cases throw the errors of `domain/errors.ts` (re-exported
 * here so a route imports every error from one place); the errors below exist only at the HTTP
 * boundary (credentials, methods, media types, a status a route chooses itself). One middleware
 * (`problem-response.ts`) turns both into `application/problem+json` (RFC 9457). Anything else
 * becomes a 500 whose detail is never exposed.
 */
export {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  UnavailableError,
  ValidationError,
  type FieldError,
} from '../../domain/errors.js';

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

/** 401: no credentials, or credentials that match no live key. */
export class UnauthorizedError extends HttpError {
  constructor(detail = 'A valid API key is required (Authorization: Bearer <key>).') {
    super(401, 'Unauthorized', detail, { headers: { 'www-authenticate': 'Bearer realm="api"' } });
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

/** 415: a write body that is not JSON. */
export class UnsupportedMediaTypeError extends HttpError {
  constructor(detail = 'Request bodies must be application/json.') {
    super(415, 'Unsupported Media Type', detail);
  }
}
