import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../../lib/local/match-route.js';
import { toApiGatewayEvent, type GatewayRequest } from '../../../lib/local/to-api-gateway-event.js';
import { routes } from '../../../lib/resources.js';

const sample = (name: string) => JSON.parse(readFileSync(new URL(`../../../events/apigw-v2/${name}`, import.meta.url), 'utf8'));

function request(overrides: Partial<GatewayRequest>): GatewayRequest {
  return {
    method: 'GET',
    url: '/',
    httpVersion: '1.1',
    headers: { Host: ['127.0.0.1:3000'] },
    body: Buffer.alloc(0),
    sourceIp: '203.0.113.7',
    requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    receivedAt: new Date('2024-03-12T19:03:58.000Z'),
    ...overrides,
  };
}

function eventFor(overrides: Partial<GatewayRequest>) {
  const full = request(overrides);
  const match = matchRoute({ routes, method: full.method, path: full.url.split('?')[0]! })!;
  return toApiGatewayEvent(full, match);
}

describe('toApiGatewayEvent', () => {
  it('builds the payload 2.0 event of a short link visit (events/apigw-v2/get-short-code.json)', () => {
    const event = eventFor({
      url: '/summer-sale?utm_source=newsletter&tag=a&tag=b',
      headers: {
        Host: ['127.0.0.1:3000'],
        'User-Agent': ['Mozilla/5.0 (X11; Linux x86_64)'],
        Accept: ['text/html'],
        'Accept-Language': ['en-GB', 'en;q=0.8'],
        Cookie: ['cookie_id=0190a6a0-8d5e-7c3e-9b1a-4f2e6d7c8b9a; theme=dark'],
      },
    });
    expect(event).toEqual(sample('get-short-code.json'));
    expect(event.headers.cookie).toBeUndefined();
  });

  it('keeps a JSON webhook body exactly as received (events/apigw-v2/post-webhook-stripe.json)', () => {
    const body = '{\n  "id": "evt_1OxLocal",\n  "type": "checkout.session.completed",\n  "data": { "object": { "amount_total": 4999, "currency": "usd" } }\n}\n';
    const expected = sample('post-webhook-stripe.json');
    const event = eventFor({
      method: 'POST',
      url: '/webhooks/stripe/42',
      headers: {
        Host: ['127.0.0.1:3000'],
        'User-Agent': ['Stripe/1.0 (+https://stripe.com/docs/webhooks)'],
        'Content-Type': ['application/json; charset=utf-8'],
        'Stripe-Signature': [expected.headers['stripe-signature']],
      },
      body: Buffer.from(body),
      sourceIp: '54.187.174.169',
      requestId: expected.requestContext.requestId,
    });
    expect(event).toEqual(expected);
    expect(event.body).toBe(body);
    expect(event.isBase64Encoded).toBe(false);
  });

  it('base64-encodes binary bodies and text that is not UTF-8, so no byte is lost', () => {
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x41]);
    const binary = eventFor({ method: 'POST', url: '/v1/uploads', headers: { 'content-type': ['application/octet-stream'] }, body: bytes });
    expect(binary.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.body!, 'base64')).toEqual(bytes);
    const latin1 = eventFor({ method: 'POST', url: '/v1/notes', headers: { 'content-type': ['text/plain'] }, body: Buffer.from([0x63, 0x61, 0x66, 0xe9]) });
    expect(latin1.isBase64Encoded).toBe(true);
    expect(Buffer.from(latin1.body!, 'base64')).toEqual(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
  });

  it('omits body, query and cookies when the request has none', () => {
    const event = eventFor({ url: '/v1/links' });
    expect(event).not.toHaveProperty('body');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('cookies');
    expect(event.rawQueryString).toBe('');
    expect(event.pathParameters).toEqual({ proxy: 'links' });
    expect(event.routeKey).toBe('ANY /v1/{proxy+}');
  });

  it('decodes query parameters and appends the client to an existing X-Forwarded-For', () => {
    const event = eventFor({ url: '/abc?q=caf%C3%A9+au+lait&empty', headers: { 'x-forwarded-for': ['198.51.100.1'] } });
    expect(event.queryStringParameters).toEqual({ q: 'café au lait', empty: '' });
    expect(event.rawQueryString).toBe('q=caf%C3%A9+au+lait&empty');
    expect(event.headers['x-forwarded-for']).toBe('198.51.100.1, 203.0.113.7');
  });
});
