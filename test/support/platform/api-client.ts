/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON asserted field by field in tests; `any` keeps those assertions terse. */
/**
 * In-process HTTP client for API Gateway v2 handlers: builds the event a real HTTP API would
 * send (path, query, headers, JSON body, source IP), invokes the handler, and parses the answer.
 *
 *   const api = createApiClient(createHandler(deps));
 *   const res = await api.post('/v1/campaigns', { name: 'Summer' }, { token: vendorKey });
 *   expect(res.status).toBe(201);
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export interface RequestOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  headers?: Record<string, string>;
  /** Merged into the query string of `path`. */
  query?: Record<string, string | number | boolean | undefined>;
  /** Caller IP (`requestContext.http.sourceIp`); default 203.0.113.7. */
  sourceIp?: string;
  /** A raw body string, sent as is (for malformed-JSON tests). */
  rawBody?: string;
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON body (problem+json included); undefined when there is none. */
  body: T;
  text: string | undefined;
}

type Handler = (event: APIGatewayProxyEventV2, context?: any) => Promise<APIGatewayProxyResultV2 | APIGatewayProxyStructuredResultV2 | any>;

/** Builds an API Gateway HTTP API (payload v2) event. */
export function buildApiEvent(
  method: string,
  pathWithQuery: string,
  body?: unknown,
  options: RequestOptions = {},
): APIGatewayProxyEventV2 {
  const url = new URL(pathWithQuery, 'http://api.local');
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  const headers: Record<string, string> = { host: 'api.local', 'user-agent': 'vitest' };
  const text = options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
  if (text !== undefined) headers['content-type'] = 'application/json';
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  for (const [key, value] of Object.entries(options.headers ?? {})) headers[key.toLowerCase()] = value;
  const queryStringParameters: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    queryStringParameters[key] = key in queryStringParameters ? `${queryStringParameters[key]},${value}` : value;
  }
  const rawQueryString = url.searchParams.toString();
  return {
    version: '2.0',
    routeKey: 'ANY /v1/{proxy+}',
    rawPath: url.pathname,
    rawQueryString,
    headers,
    queryStringParameters: rawQueryString ? queryStringParameters : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'api.local',
      domainPrefix: 'api',
      http: {
        method: method.toUpperCase(),
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: options.sourceIp ?? '203.0.113.7',
        userAgent: 'vitest',
      },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey: 'ANY /v1/{proxy+}',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 1767225600000,
    },
    body: text,
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
}

export interface ApiClient {
  request<T = any>(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>>;
  get<T = any>(path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  post<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>>;
  patch<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>>;
  put<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>>;
  delete<T = any>(path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
}

/** A client over `handler` (anything taking an API GW v2 event). */
export function createApiClient(handler: Handler): ApiClient {
  const request = async <T>(method: string, path: string, body?: unknown, options?: RequestOptions) => {
    const result = (await handler(buildApiEvent(method, path, body, options), {})) as APIGatewayProxyStructuredResultV2;
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(result.headers ?? {})) headers[key.toLowerCase()] = String(value);
    const text = result.body;
    let parsed: unknown;
    if (text !== undefined && text !== '' && /json/.test(headers['content-type'] ?? '')) parsed = JSON.parse(text);
    return { status: result.statusCode ?? 200, headers, body: parsed as T, text };
  };
  return {
    request,
    get: (path, options) => request('GET', path, undefined, options),
    post: (path, body, options) => request('POST', path, body, options),
    patch: (path, body, options) => request('PATCH', path, body, options),
    put: (path, body, options) => request('PUT', path, body, options),
    delete: (path, options) => request('DELETE', path, undefined, options),
  };
}
