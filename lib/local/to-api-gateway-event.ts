import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { RouteMatch } from './match-route.js';

export interface GatewayRequest {
  method: string;
  /** Path and query exactly as on the request line, e.g. `/v1/links?limit=10`. */
  url: string;
  httpVersion: string;
  /** Header names in any case, each with every value received. */
  headers: Record<string, string[]>;
  body: Buffer;
  sourceIp: string;
  requestId: string;
  receivedAt: Date;
}

const textContentTypes = [
  /^text\//,
  /^application\/(json|xml|javascript|x-www-form-urlencoded|graphql)\b/,
  /^application\/[^;]+\+(json|xml)\b/,
];

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** API Gateway's `requestContext.time` format: `12/Mar/2020:19:03:58 +0000`. */
function formatRequestTime(date: Date): string {
  const months = MONTHS;
  return (
    `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

function parseQuery(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const parameters: Record<string, string> = {};
  for (const pair of rawQueryString.split('&')) {
    if (pair === '') continue;
    const separator = pair.indexOf('=');
    const name = safeDecode(separator === -1 ? pair : pair.slice(0, separator));
    const value = separator === -1 ? '' : safeDecode(pair.slice(separator + 1));
    // Payload 2.0 joins repeated parameters with commas.
    parameters[name] = name in parameters ? `${parameters[name]},${value}` : value;
  }
  return Object.keys(parameters).length > 0 ? parameters : undefined;
}

/**
 * Decides how the body travels: text types as the exact characters received (webhook signatures
 * are checked on them), anything else, or text that is not valid UTF-8, as base64 of the bytes.
 */
function encodeBody(body: Buffer, contentType: string | undefined): { body?: string; isBase64Encoded: boolean } {
  if (body.length === 0) return { isBase64Encoded: false };
  const type = (contentType ?? '').trim().toLowerCase();
  const looksLikeText = type === '' || textContentTypes.some((pattern) => pattern.test(type));
  if (looksLikeText) {
    try {
      return { body: utf8.decode(body), isBase64Encoded: false };
    } catch {
      // Not UTF-8: fall through so no byte is lost.
    }
  }
  return { body: body.toString('base64'), isBase64Encoded: true };
}

/** Builds the API Gateway HTTP API (payload format 2.0) event for a request that matched `match`. */
export function toApiGatewayEvent(request: GatewayRequest, match: RouteMatch): APIGatewayProxyEventV2 {
  const queryStart = request.url.indexOf('?');
  const rawPath = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
  const rawQueryString = queryStart === -1 ? '' : request.url.slice(queryStart + 1);

  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, values] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'cookie') {
      // Payload 2.0 moves cookies out of the headers into their own array.
      cookies = values
        .flatMap((value) => value.split(';'))
        .map((cookie) => cookie.trim())
        .filter((cookie) => cookie !== '');
      continue;
    }
    headers[lower] = headers[lower] === undefined ? values.join(',') : `${headers[lower]},${values.join(',')}`;
  }
  // API Gateway appends the client it saw to X-Forwarded-For and says how it was reached.
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${request.sourceIp}` : request.sourceIp;
  headers['x-forwarded-proto'] ??= 'http';

  const host = headers.host ?? '127.0.0.1';
  const domainName = host.replace(/:\d+$/, '');
  if (headers['x-forwarded-port'] === undefined) {
    const port = /:(\d+)$/.exec(host)?.[1];
    if (port) headers['x-forwarded-port'] = port;
  }

  const encoded = encodeBody(request.body, headers['content-type']);
  const queryStringParameters = parseQuery(rawQueryString);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(Object.keys(match.pathParameters).length > 0 ? { pathParameters: { ...match.pathParameters } } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: request.method.toUpperCase(),
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: request.requestId,
      routeKey: match.routeKey,
      stage: '$default',
      time: formatRequestTime(request.receivedAt),
      timeEpoch: request.receivedAt.getTime(),
    },
    ...(encoded.body !== undefined ? { body: encoded.body } : {}),
    isBase64Encoded: encoded.isBase64Encoded,
  };
  return event;
}
