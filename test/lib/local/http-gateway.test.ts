import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createInMemoryClickQueue, createInMemoryClickStore, createInMemoryLinkStore } from '../../../bench/redirect-in-memory-adapters.js';
import { createRedirect } from '../../../functions/handlers/redirect.js';
import { createHttpGateway, FunctionUnavailableError, type HttpGateway } from '../../../lib/local/http-gateway.js';
import { silentLog } from '../../../lib/local/local-log.js';
import { routes, type FunctionName } from '../../../lib/resources.js';
import { linkItem } from '../../support/fixtures/link-item.js';

type Responder = (event: APIGatewayProxyEventV2) => Promise<unknown>;

const seen: { name: FunctionName; event: APIGatewayProxyEventV2 }[] = [];
let respond: Responder = async () => ({ statusCode: 204 });
let ready = true;
let gateway: HttpGateway;
let base: string;

/** Raw HTTP so headers such as repeated Set-Cookie are seen exactly as sent. */
function send(options: { method?: string; path: string; headers?: Record<string, string | string[]>; body?: Buffer | string }) {
  return new Promise<{ status: number; headers: NodeJS.Dict<string | string[]>; body: Buffer }>((resolve, reject) => {
    const req = httpRequest(`${base}${options.path}`, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

beforeAll(async () => {
  gateway = createHttpGateway({
    routes,
    log: silentLog,
    maxBodyBytes: 1024,
    health: () => ({ ready, details: { queues: { clicks: { received: 3 } } } }),
    invoke: async (name, event) => {
      seen.push({ name, event });
      if (name === 'webhooks' && event.pathParameters?.provider === 'missing') throw new FunctionUnavailableError(name);
      return respond(event);
    },
  });
  base = `http://127.0.0.1:${await gateway.listen(0)}`;
});

afterAll(async () => {
  await gateway.close();
});

describe('http gateway', () => {
  it('hands the matched function an API Gateway v2 event with cookies, query and path parameters', async () => {
    respond = async () => ({ statusCode: 204 });
    const response = await send({
      path: '/summer-sale?utm_source=mail&x=1&x=2',
      headers: { cookie: 'cookie_id=abc; theme=dark', 'user-agent': 'vitest', 'x-custom': ['a', 'b'] },
    });
    expect(response.status).toBe(204);
    const { name, event } = seen.at(-1)!;
    expect(name).toBe('redirect');
    expect(event.routeKey).toBe('GET /{short_code}');
    expect(event.rawPath).toBe('/summer-sale');
    expect(event.rawQueryString).toBe('utm_source=mail&x=1&x=2');
    expect(event.queryStringParameters).toEqual({ utm_source: 'mail', x: '1,2' });
    expect(event.pathParameters).toEqual({ short_code: 'summer-sale' });
    expect(event.cookies).toEqual(['cookie_id=abc', 'theme=dark']);
    expect(event.headers['x-custom']).toBe('a,b');
    expect(event.requestContext.http).toMatchObject({ method: 'GET', path: '/summer-sale', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' });
    expect(event.requestContext.stage).toBe('$default');
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('passes a webhook body through byte for byte, whitespace and unicode included', async () => {
    respond = async () => ({ statusCode: 200, body: '' });
    const raw = '{ "id":"evt_1",\r\n  "name": "Zoë 🚀",  "amount": 10.10 }\n';
    await send({ method: 'POST', path: '/webhooks/stripe/9', headers: { 'content-type': 'application/json' }, body: raw });
    const { event } = seen.at(-1)!;
    expect(event.isBase64Encoded).toBe(false);
    expect(Buffer.from(event.body!, 'utf8').equals(Buffer.from(raw, 'utf8'))).toBe(true);
    expect(event.pathParameters).toEqual({ provider: 'stripe', integration_id: '9' });
  });

  it('base64-encodes a binary body', async () => {
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
    await send({ method: 'PUT', path: '/v1/files/1', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    const { event } = seen.at(-1)!;
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body!, 'base64').equals(bytes)).toBe(true);
  });

  it('maps status, headers, every cookie to its own Set-Cookie and a base64 body back to HTTP', async () => {
    respond = async () => ({
      statusCode: 302,
      headers: { location: 'https://shop.example.com/?aff_click_id=1', 'cache-control': 'no-store' },
      cookies: ['cookie_id=abc; Max-Age=2592000; HttpOnly; Secure; SameSite=Lax', 'seen=1; Path=/'],
    });
    const redirect = await send({ path: '/summer-sale' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe('https://shop.example.com/?aff_click_id=1');
    expect(redirect.headers['set-cookie']).toEqual(['cookie_id=abc; Max-Age=2592000; HttpOnly; Secure; SameSite=Lax', 'seen=1; Path=/']);

    respond = async () => ({ statusCode: 200, headers: { 'content-type': 'image/gif' }, body: Buffer.from('GIF89a').toString('base64'), isBase64Encoded: true });
    const image = await send({ path: '/pixel' });
    expect(image.headers['content-type']).toBe('image/gif');
    expect(image.body.toString()).toBe('GIF89a');
  });

  it('routes HEAD to its own route and sends headers only', async () => {
    respond = async () => ({ statusCode: 302, headers: { location: 'https://shop.example.com/' }, body: 'ignored' });
    const response = await send({ method: 'HEAD', path: '/summer-sale' });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('https://shop.example.com/');
    expect(response.body.length).toBe(0);
    expect(seen.at(-1)!.event.routeKey).toBe('HEAD /{short_code}');
  });

  it('answers a result without statusCode as 200 JSON, as API Gateway does', async () => {
    respond = async () => ({ links: [1, 2] });
    const object = await send({ path: '/v1/links' });
    expect(object.status).toBe(200);
    expect(object.headers['content-type']).toBe('application/json');
    expect(JSON.parse(object.body.toString())).toEqual({ links: [1, 2] });
    respond = async () => 'hello';
    const text = await send({ path: '/v1/hello' });
    expect(text.status).toBe(200);
    expect(text.body.toString()).toBe('hello');
  });

  it('answers problem+json: 404 for no route, 500 when the handler throws, 503 for a function not written yet, 413 for a large body', async () => {
    const unknown = await send({ method: 'POST', path: '/summer-sale' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(unknown.body.toString())).toMatchObject({ status: 404, title: 'Not Found' });

    respond = async () => {
      throw new Error('boom: secret detail');
    };
    const failed = await send({ path: '/v1/links' });
    expect(failed.status).toBe(500);
    expect(failed.body.toString()).not.toContain('secret detail');

    const missing = await send({ method: 'POST', path: '/webhooks/missing/1', body: '{}' });
    expect(missing.status).toBe(503);
    expect(JSON.parse(missing.body.toString()).detail).toBe('function webhooks is not available yet');

    const large = await send({ method: 'POST', path: '/v1/links', headers: { 'content-type': 'application/json' }, body: Buffer.alloc(2048, 32) });
    expect(large.status).toBe(413);
  });

  it('reports health: 200 with details when ready, 503 otherwise', async () => {
    const healthy = await send({ path: '/healthz' });
    expect(healthy.status).toBe(200);
    expect(JSON.parse(healthy.body.toString())).toEqual({ status: 'ok', queues: { clicks: { received: 3 } } });
    ready = false;
    try {
      expect((await send({ path: '/healthz' })).status).toBe(503);
      expect((await send({ path: '/v1/links' })).status).toBe(503);
    } finally {
      ready = true;
    }
  });
});

describe('http gateway with the real redirect: a spoofed viewer header without the origin secret changes nothing', () => {
  const secret = 'local-origin-verify-9d1f';
  const browser = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
  const queue = createInMemoryClickQueue();
  const redirect = createRedirect({
    links: createInMemoryLinkStore([linkItem({ short_code: 'viewer' })]),
    clicks: createInMemoryClickStore(),
    queue,
    config: { publicBaseUrl: 'http://127.0.0.1:3000', repeatClickWindowSeconds: 0 },
    now: () => new Date('2024-03-15T10:00:00.000Z'),
    originVerify: { secrets: { read: async () => ({ current: { value: secret, createdAt: new Date('2024-01-01T00:00:00.000Z') } }) }, graceSeconds: 0 },
  });
  let redirectGateway: HttpGateway;
  let url: string;

  beforeAll(async () => {
    redirectGateway = createHttpGateway({ routes, log: silentLog, health: () => ({ ready: true, details: {} }), invoke: async (_name, event) => redirect(event) });
    url = `http://127.0.0.1:${await redirectGateway.listen(0)}/viewer`;
  });

  afterAll(async () => {
    await redirectGateway.close();
  });

  async function visitor(headers: Record<string, string>) {
    const response = await fetch(url, { redirect: 'manual', headers: { 'user-agent': browser, ...headers } });
    expect(response.status).toBe(302);
    const click = queue.messages.at(-1)!;
    return { ip: click.ip_address, country: click.country_code, visitor: click.visitor_hash };
  }

  it('records the connection (loopback) and no country, whatever CloudFront-Viewer-* and X-Forwarded-For say', async () => {
    const plain = await visitor({});
    expect(plain).toMatchObject({ ip: '127.0.0.0', country: null });
    const spoofed = await visitor({ 'cloudfront-viewer-address': '203.0.113.50:443', 'cloudfront-viewer-country': 'US', 'x-forwarded-for': '198.51.100.9' });
    expect(spoofed).toEqual(plain);
    expect(await visitor({ 'cloudfront-viewer-address': '203.0.113.50:443', 'x-origin-verify': 'guessed' })).toEqual(plain);
  });

  it('believes them when the request carries the origin secret, as CloudFront sends it', async () => {
    expect(await visitor({ 'cloudfront-viewer-address': '203.0.113.50:443', 'cloudfront-viewer-country': 'US', 'x-origin-verify': secret })).toMatchObject({
      ip: '203.0.113.0',
      country: 'US',
    });
  });
});
