import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FunctionName, RouteDeclaration } from '../resources.js';
import { matchRoute } from './match-route.js';
import { toApiGatewayEvent } from './to-api-gateway-event.js';
import type { LocalLog } from './local-log.js';
import { closeServer } from './close-server.js';

/** What `GET /healthz` reports: 200 only when `ready`. */
export interface HealthReport {
  ready: boolean;
  details: Record<string, unknown>;
}

export interface HttpGatewayOptions {
  routes: readonly RouteDeclaration[];
  /** Runs a function on an event; throws `FunctionUnavailableError` for a function not written yet. */
  invoke: (name: FunctionName, event: APIGatewayProxyEventV2) => Promise<unknown>;
  health: () => HealthReport;
  log: LocalLog;
  /** Largest request body accepted; API Gateway's limit is 10 MB, one machine needs far less. */
  maxBodyBytes?: number;
  /** Serves the web app under `/app/` (returns true when it answered); CloudFront's job on AWS. */
  webApp?: () => ((request: IncomingMessage, response: ServerResponse) => boolean) | undefined;
}

export interface HttpGateway {
  server: Server;
  /** Listens on loopback; `port` 0 picks a free one. Resolves with the port. */
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting connections and resolves once in-flight requests have answered. */
  close(timeoutMs?: number): Promise<void>;
}

/** Thrown by `invoke` for a declared function whose entry file does not exist yet. */
export class FunctionUnavailableError extends Error {
  constructor(readonly functionName: string, options?: { cause?: unknown }) {
    super(`function ${functionName} is not available yet`, options);
    this.name = 'FunctionUnavailableError';
  }
}

class PayloadTooLargeError extends Error {
  constructor() {
    super('request body too large');
    this.name = 'PayloadTooLargeError';
  }
}

function sendProblem(response: ServerResponse, status: number, title: string, detail?: string): void {
  const body = JSON.stringify({ type: 'about:blank', title, status, ...(detail ? { detail } : {}) });
  response.writeHead(status, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      request.resume();
      reject(new PayloadTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new PayloadTooLargeError());
        request.removeAllListeners('data');
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
    // A client that hangs up mid-body gets no answer; the promise must still settle.
    request.on('close', () => {
      if (!request.complete) reject(new Error('client closed the request before its body ended'));
    });
  });
}

function sourceIpOf(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

/**
 * Maps a payload 2.0 result back to HTTP. A result without `statusCode` (a string or any JSON
 * value) is, as on API Gateway, a 200 with the value as a JSON body.
 */
export function writeLambdaResult(response: ServerResponse, result: unknown): void {
  const structured =
    typeof result === 'object' && result !== null && 'statusCode' in result
      ? (result as APIGatewayProxyStructuredResultV2)
      : undefined;
  if (!structured) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
    return;
  }
  for (const [name, value] of Object.entries(structured.headers ?? {})) {
    response.setHeader(name, String(value));
  }
  if (structured.cookies && structured.cookies.length > 0) {
    const existing = response.getHeader('set-cookie');
    const fromHeaders = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
    response.setHeader('set-cookie', [...fromHeaders, ...structured.cookies]);
  }
  // A text body goes out as a string and an empty one as nothing: node then sends the head and the
  // body in one write, where a Buffer body costs a second (writev) chunk per response.
  const body: string | Buffer =
    structured.body === undefined ? '' : structured.isBase64Encoded ? Buffer.from(structured.body, 'base64') : structured.body;
  const length = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
  if (!response.hasHeader('content-type') && length > 0) response.setHeader('content-type', 'application/json');
  response.setHeader('content-length', length);
  response.writeHead(structured.statusCode ?? 200);
  if (length === 0) response.end();
  else response.end(body);
}

/** A node:http server that plays API Gateway HTTP API in front of the platform's functions. */
export function createHttpGateway(options: HttpGatewayOptions): HttpGateway {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const { log } = options;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAt = new Date();
    const url = request.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const method = (request.method ?? 'GET').toUpperCase();

    if (path === '/healthz' && (method === 'GET' || method === 'HEAD')) {
      const report = options.health();
      const body = JSON.stringify({ status: report.ready ? 'ok' : 'starting', ...report.details });
      response.writeHead(report.ready ? 200 : 503, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      response.end(body);
      return;
    }

    if (options.webApp?.()?.(request, response)) return;

    let body: Buffer;
    try {
      body = await readBody(request, maxBodyBytes);
    } catch (error) {
      if (error instanceof PayloadTooLargeError) {
        response.setHeader('connection', 'close');
        sendProblem(response, 413, 'Payload Too Large', `request bodies are limited to ${maxBodyBytes} bytes`);
        return;
      }
      throw error;
    }

    if (!options.health().ready) {
      sendProblem(response, 503, 'Service Unavailable', 'the platform is starting or stopping');
      return;
    }

    const match = matchRoute({ routes: options.routes, method, path });
    if (!match) {
      sendProblem(response, 404, 'Not Found', `no route for ${method} ${path}`);
      return;
    }

    const event = toApiGatewayEvent(
      {
        method,
        url,
        httpVersion: request.httpVersion,
        headers: request.headersDistinct as Record<string, string[]>,
        body,
        sourceIp: sourceIpOf(request),
        requestId: randomUUID(),
        receivedAt,
      },
      match,
    );

    try {
      const result = await options.invoke(match.route.function, event);
      writeLambdaResult(response, result);
    } catch (error) {
      if (error instanceof FunctionUnavailableError) {
        sendProblem(response, 503, 'Service Unavailable', error.message);
        return;
      }
      log.error(`${match.routeKey} (${match.route.function}) threw`, error);
      sendProblem(response, 500, 'Internal Server Error');
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // A client that left mid-request needs neither an answer nor a log line.
      if (request.socket.destroyed) return;
      log.error('gateway failed to answer', error);
      if (!response.headersSent) sendProblem(response, 500, 'Internal Server Error');
      else response.destroy();
    });
  });

  // Requests node's parser refuses (headers over 16 KB, a malformed request line) never reach
  // `handle`; without this node answers them with a bare status and no problem document.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const title = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
    const detail = tooLarge ? 'the request line and headers are limited to 16 KB' : 'the request could not be parsed as HTTP/1.1';
    const body = JSON.stringify({ type: 'about:blank', title, status, detail });
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  return {
    server,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    close(timeoutMs = 10_000) {
      return server.listening ? closeServer(server, timeoutMs) : Promise.resolve();
    },
  };
}
