/**
 * What an area handler returns, and the API Gateway v2 result it becomes.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export interface ApiResult {
  status: number;
  /** Serialised as JSON, unless a non-JSON `content-type` header says it is already text (CSV); omitted for 204. */
  body?: unknown;
  headers?: Record<string, string>;
  /** `Set-Cookie` values (API Gateway v2's `cookies`). */
  cookies?: string[];
}

/** 200 (or `status`) with a JSON body. */
export function ok(body: unknown, status = 200, headers?: Record<string, string>): ApiResult {
  return { status, body, headers };
}

/** 201 with a JSON body. */
export function created(body: unknown, headers?: Record<string, string>): ApiResult {
  return { status: 201, body, headers };
}

/** 204, no body. */
export function noContent(): ApiResult {
  return { status: 204 };
}

/** Turns an `ApiResult` into the structured result API Gateway HTTP APIs expect. */
export function toGatewayResult(result: ApiResult, contentType = 'application/json'): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...result.headers };
  const cookies = result.cookies && result.cookies.length > 0 ? { cookies: result.cookies } : {};
  if (result.status === 204 || result.body === undefined) {
    return { statusCode: result.status, headers, ...cookies };
  }
  const declaredType = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  if (typeof result.body === 'string' && declaredType !== undefined && !/json/i.test(declaredType)) {
    return { statusCode: result.status, headers, body: result.body, ...cookies };
  }
  return {
    ...cookies,
    statusCode: result.status,
    headers: { 'content-type': contentType, ...headers },
    body: JSON.stringify(result.body),
  };
}
