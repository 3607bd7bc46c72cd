/**
 * Errors the domain and the use cases throw. They say what went wrong in the business's terms
 * (invalid input, not found, conflict, not allowed) and know nothing of HTTP: the one mapping to
 * problem+json statuses lives in `platform/http/problem-response.ts`, and a queue consumer or a
 * scheduled job reads the same classes without translating an HTTP status back.
 */

/** One failed field of an input, as listed in a validation problem's `errors` array. */
export interface FieldError {
  /** JSON pointer-like path, e.g. `body.tiers.1.min_amount` or `query.limit`. */
  path: string;
  message: string;
}

/** Base of every error the domain and use cases throw on purpose; `message` is safe to show the caller. */
export class DomainError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
  }
}

/** An input value is invalid; `errors` names each failing field. */
export class ValidationError extends DomainError {
  readonly errors: FieldError[];
  constructor(detail: string, errors: FieldError[] = [], options: { cause?: unknown } = {}) {
    super(detail, options);
    this.errors = errors;
  }
}

/**
 * The caller is who it says and may see the object, but may not do this to it (a role below the
 * action's, a partner not active, an enrollment not approved). Never used for another tenant's
 * objects: those are `NotFoundError` so existence does not leak.
 */
export class ForbiddenError extends DomainError {}

/** Absent, deleted, or belonging to another tenant (indistinguishable on purpose). */
export class NotFoundError extends DomainError {
  constructor(detail = 'Not found.', options: { cause?: unknown } = {}) {
    super(detail, options);
  }
}

/** The request conflicts with the current state (duplicates, limits, illegal transitions). */
export class ConflictError extends DomainError {}

/** A dependency the use case needs (a queue, a cipher, a provider) is absent or unavailable; safe to retry later. */
export class UnavailableError extends DomainError {}
