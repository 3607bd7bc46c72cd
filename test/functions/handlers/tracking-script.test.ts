import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createHandler, IMMUTABLE_CACHE_CONTROL, LATEST_CACHE_CONTROL } from '../../../functions/handlers/tracking-script.js';
import { trackingScriptIife, trackingScriptModule } from '../../../functions/tracking-script/tracking-script-bundle.generated.js';
import { TRACKING_SCRIPT_VERSION } from '../../../functions/tracking-script/tracking-script-version.js';

function request(file: string, method = 'GET', headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} /js/{file}`,
    rawPath: `/js/${file}`,
    rawQueryString: '',
    headers,
    pathParameters: { file },
    isBase64Encoded: false,
    requestContext: { http: { method, path: `/js/${file}`, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' } },
  } as unknown as APIGatewayProxyEventV2;
}

const serve = createHandler();
const sri = (text: string) => `sha384-${createHash('sha384').update(text, 'utf8').digest('base64')}`;
const v = TRACKING_SCRIPT_VERSION;

describe('GET /js/{file}: the tracking script', () => {
  it.each([
    [`track.v${v}.js`, trackingScriptIife, IMMUTABLE_CACHE_CONTROL],
    [`track.v${v}.mjs`, trackingScriptModule, IMMUTABLE_CACHE_CONTROL],
    ['track.js', trackingScriptIife, LATEST_CACHE_CONTROL],
    ['track.mjs', trackingScriptModule, LATEST_CACHE_CONTROL],
  ])('%s: 200 JavaScript, CORS for SRI, cached as its path promises', async (file, body, cacheControl) => {
    const response = await serve(request(file));
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(body);
    expect(response.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': cacheControl,
      'access-control-allow-origin': '*',
      'x-content-type-options': 'nosniff',
    });
  });

  it('versioned files are cached a year and immutable; the latest five minutes', () => {
    expect(IMMUTABLE_CACHE_CONTROL).toBe('public, max-age=31536000, immutable');
    expect(LATEST_CACHE_CONTROL).toBe('public, max-age=300');
  });

  it('HEAD answers the headers without the body; a matching If-None-Match is a 304', async () => {
    const head = await serve(request('track.js', 'HEAD'));
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    const etag = String(head.headers?.etag);
    expect(etag).toMatch(/^"[A-Za-z0-9+/]{27}"$/);
    // The ETag is a prefix of the file's own SHA-384: it changes exactly when the bytes do.
    expect(sri(trackingScriptIife)).toContain(etag.slice(1, -1));
    expect((await serve(request('track.js', 'GET', { 'if-none-match': `"other", ${etag}` }))).statusCode).toBe(304);
    expect((await serve(request('track.js', 'GET', { 'if-none-match': '"other"' }))).statusCode).toBe(200);
  });

  it.each(['track.v0.js', `track.v${v + 1}.js`, 'track.ts', 'constructor', '__proto__', 'hasOwnProperty', '..%2Fpackage.json', ''])('%s is a 404', async (file) => {
    const response = await serve(request(file));
    expect(response.statusCode).toBe(404);
    expect(response.headers).toMatchObject({ 'content-type': 'application/problem+json', 'cache-control': 'no-store' });
    expect(JSON.parse(String(response.body))).toMatchObject({ status: 404, detail: expect.stringContaining(`/js/track.v${v}.js`) });
  });
});
