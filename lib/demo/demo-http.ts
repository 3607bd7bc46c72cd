/**
 * The demo's HTTP client: JSON in and out, a bearer token per call, and an error that names the
 * step, the request and the platform's problem detail when an answer is not the expected status.
 */

/** A demo step failed; the message is meant for the terminal. */
export class DemoStepError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DemoStepError';
  }
}

/** The platform does not answer at all (nothing listening on the base URL). */
export class PlatformUnreachableError extends DemoStepError {
  constructor(baseUrl: string, options?: { cause?: unknown }) {
    super(`nothing answers on ${baseUrl}: start the platform with \`npm start\` (in another terminal) and run the demo again`, options);
    this.name = 'PlatformUnreachableError';
  }
}

export interface DemoRequest {
  /** What this call does, for the error message ("create the campaign"). */
  step: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  token?: string;
  body?: unknown;
  /** Default: 200 for GET, 201 for POST. */
  expect?: number | readonly number[];
}

export interface DemoHttp {
  baseUrl: string;
  /** Sends a JSON request and returns the parsed body; throws DemoStepError on another status. */
  json<T = Record<string, unknown>>(request: DemoRequest): Promise<T>;
  /** Raw fetch against the base URL (redirects are not followed); unreachable -> PlatformUnreachableError. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

/** A short form of a problem+json (or any) body for an error message. */
export function describeProblem(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { title?: string; detail?: string; errors?: { path: string; message: string }[] };
    const errors = body.errors?.map((e) => `${e.path}: ${e.message}`).join('; ');
    return `${status} ${body.title ?? ''}${body.detail ? `: ${body.detail}` : ''}${errors ? ` (${errors})` : ''}`.trim();
  } catch {
    return `${status} ${text.slice(0, 200)}`.trim();
  }
}

function isConnectionFailure(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } })?.cause;
  return error instanceof TypeError && ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'UND_ERR_SOCKET'].includes(cause?.code ?? '');
}

export function createDemoHttp(input: { baseUrl: string }): DemoHttp {
  const baseUrl = input.baseUrl.replace(/\/+$/, '');
  const rawFetch = async (path: string, init: RequestInit = {}): Promise<Response> => {
    try {
      return await fetch(`${baseUrl}${path}`, { redirect: 'manual', ...init });
    } catch (error) {
      if (isConnectionFailure(error)) throw new PlatformUnreachableError(baseUrl, { cause: error });
      throw error;
    }
  };
  return {
    baseUrl,
    fetch: rawFetch,
    async json<T>(request: DemoRequest): Promise<T> {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (request.token) headers.authorization = `Bearer ${request.token}`;
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      const response = await rawFetch(request.path, {
        method: request.method,
        headers,
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      });
      const text = await response.text();
      const expected = request.expect ?? (request.method === 'POST' ? 201 : 200);
      const accepted = typeof expected === 'number' ? [expected] : expected;
      if (!accepted.includes(response.status)) {
        const hint = response.status === 401 && request.path.startsWith('/v1/admin/')
          ? ' (the admin token was refused: use the platform\'s own token, ADMIN_TOKEN or <DATA_DIR>/admin-token)'
          : '';
        throw new DemoStepError(`${request.step}: ${request.method} ${request.path} answered ${describeProblem(response.status, text)}${hint}`);
      }
      return (text === '' ? {} : JSON.parse(text)) as T;
    },
  };
}
