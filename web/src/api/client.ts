/**
 * The app's one way to the API: an openapi-fetch client typed by `schema.d.ts` (paths, bodies and
 * responses as the API documents them). Same origin, so the session cookie rides along; every
 * write carries the session's CSRF token; a problem+json answer becomes a thrown `ApiProblem`.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

/** One failing field of a 400, as the API names it (`path` is dotted, e.g. `body.email`). */
export interface ProblemFieldError {
  path: string;
  message: string;
}

/** An RFC 9457 problem the API answered with. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly errors: ProblemFieldError[] = [],
  ) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'ApiProblem';
  }

  /** The message for one field (`email` matches `body.email` and `email`), if the API named it. */
  fieldError(field: string): string | undefined {
    return this.errors.find((error) => error.path === field || error.path.endsWith(`.${field}`))?.message;
  }
}

let csrfToken: string | undefined;

/** Set from `POST`/`GET /v1/auth/session`; cleared at sign-out. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const csrfMiddleware: Middleware = {
  onRequest({ request }) {
    if (!SAFE_METHODS.has(request.method) && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
};

const problemMiddleware: Middleware = {
  async onResponse({ response }) {
    if (response.ok) return response;
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('json')) {
      const body = (await response.clone().json().catch(() => ({}))) as {
        title?: string;
        detail?: string;
        errors?: ProblemFieldError[];
      };
      throw new ApiProblem(response.status, body.title ?? response.statusText, body.detail, body.errors ?? []);
    }
    throw new ApiProblem(response.status, response.statusText || `HTTP ${response.status}`, undefined);
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(csrfMiddleware, problemMiddleware);

/**
 * The data of a call, for pages: problems were already thrown by the middleware, so a missing
 * `data` on a 2xx is only a body-less answer (204).
 */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data } = await call;
  return data as T;
}
