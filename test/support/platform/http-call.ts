/** A plain HTTP call to the local platform (node:http: cookies and forwarded-IP headers are sent as given). */
import http from 'node:http';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON when it is JSON (problem+json included). */
  json: unknown;
}

export function httpCall(
  baseUrl: string,
  request: { method: string; path: string; headers?: Record<string, string>; body?: unknown; timeoutMs?: number },
): Promise<HttpAnswer> {
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const headers: Record<string, string> = { ...(request.headers ?? {}) };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  return new Promise<HttpAnswer>((resolve, reject) => {
    const outgoing = http.request(new URL(request.path, baseUrl), { method: request.method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        if (/json/.test(String(response.headers['content-type'] ?? '')) && text !== '') {
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
      });
      response.on('error', reject);
    });
    // A request that hangs is a finding in itself: it fails here instead of at the test timeout.
    outgoing.setTimeout(request.timeoutMs ?? 20_000, () => outgoing.destroy(new Error(`${request.method} ${request.path}: no answer within ${request.timeoutMs ?? 20_000} ms`)));
    outgoing.on('error', reject);
    if (body !== undefined) outgoing.write(body);
    outgoing.end();
  });
}
