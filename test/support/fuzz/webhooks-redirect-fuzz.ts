// Over 300 lines: the public routes' fuzz cases (Stripe, Shopify, the redirect, the beacon), each a generator and its expected answer over one world.
/**
 * Fuzz of the gateway's own routes besides the management API (lib/resources.ts):
 * `POST /webhooks/{provider}/{integration_id}` and `GET`/`HEAD /{short_code}`, through the real
 * HTTP gateway of the local platform.
 *
 * Webhooks: forged and malformed signatures (missing, wrong secret, stale and future timestamps,
 * garbage headers) must be 400 problem+json with nothing enqueued; bodies signed with the
 * integration's real secret but full of garbage (mutated real Stripe and Shopify samples, bad
 * UTF-8, NUL bytes, 10,000-level JSON, not JSON at all) may be accepted or refused, never a 5xx,
 * and when refused write and enqueue nothing. Redirect: hostile short codes, headers, cookies and
 * query strings are a 404 page or a 302 to the stored destination only; never a 5xx.
 *
 * Registered by public-routes.fuzz.test.ts; each property runs 3 × FUZZ_RUNS times.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FuzzContext } from './fuzz-context.js';
import { fuzzRuns, fuzzSeed, testTimeoutMs, type Checker, type FuzzPlatform, type FuzzRequest } from './fuzz-platform.js';
import { nonApiGatewayRoutes } from './gateway-routes.js';
import { contentTypes, encodeJsonBody, hostileIdSegments, hostileRawBody, hostileString, hostileValue, injectionStrings, percentEncode } from './hostile-values.js';
import { createWorld, type World } from './world.js';

const runs = { numRuns: fuzzRuns * 3, endOnFailure: process.env.FUZZ_SHRINK !== '1' };

const sample = (path: string) => JSON.parse(readFileSync(new URL(`../../../events/${path}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const stripeSamples = ['checkout.session.completed', 'charge.refunded.full', 'charge.refunded.partial', 'invoice.paid', 'charge.dispute.created'].map((n) => sample(`stripe/${n}.json`));
const shopifySamples = [
  { topic: 'orders/paid', body: sample('shopify/orders-paid.json') },
  { topic: 'refunds/create', body: sample('shopify/refunds-create.json') },
];

/** Every path to a value inside `value` (objects and arrays), the root excluded. */
function pathsOf(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const path = [...prefix, Array.isArray(value) ? Number(key) : key];
      out.push(path);
      pathsOf(child, path, out);
    }
  }
  return out;
}

/** A real sample with a few of its values replaced by hostile ones or removed. */
function mutated(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const paths = pathsOf(base);
  const edit = fc.tuple(fc.constantFrom(...paths), fc.oneof({ weight: 4, arbitrary: hostileValue.map((v) => ({ set: v })) }, { weight: 1, arbitrary: fc.constant({ remove: true }) }));
  return fc.array(edit, { minLength: 0, maxLength: 4 }).map((edits) => {
    const copy = structuredClone(base) as Record<string, unknown>;
    for (const [path, change] of edits) {
      let parent: Record<string | number, unknown> = copy;
      for (const key of path.slice(0, -1)) {
        const next = parent?.[key];
        if (!next || typeof next !== 'object') {
          parent = undefined as never;
          break;
        }
        parent = next as Record<string | number, unknown>;
      }
      if (!parent) continue;
      const last = path[path.length - 1]!;
      if ('remove' in change) delete parent[last];
      else parent[last] = change.set;
    }
    return copy;
  });
}

const stripeSign = (secret: string, timestamp: number | string, body: Buffer) =>
  createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(body).digest('hex');
const shopifySign = (secret: string, body: Buffer) => createHmac('sha256', secret).update(body).digest('base64');

/** Bodies a signed delivery may carry: mostly mutated real events, else garbage. */
function bodies(samples: Record<string, unknown>[]): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...samples).chain(mutated).map(encodeJsonBody) },
    { weight: 2, arbitrary: hostileValue.map(encodeJsonBody) },
    { weight: 2, arbitrary: hostileRawBody },
  );
}

/** Registers the webhook and redirect fuzz tests on the shared platform of `ctx`. */
export function registerWebhooksRedirectFuzz(ctx: FuzzContext): void {
describe('webhooks and redirect', () => {
  let fp: FuzzPlatform;
  let checker: Checker;
  let world: World;
  const outcomes = { accepted: 0, refused: 0 };

  beforeAll(async () => {
    fp = ctx.fp;
    checker = ctx.checker;
    world = await createWorld(fp);
    // Another tenant's integrations: a valid signature for one must not open the other.
    await createWorld(fp);
    await checker.settle();
    console.log(`[fuzz] webhooks and redirect: ${fuzzRuns * 3} runs per property, FUZZ_SEED=${fuzzSeed}`);
  });

  afterAll(() => {
    ctx.notes.webhook_outcomes = `${outcomes.accepted}accepted/${outcomes.refused}refused`;
  });

  // What accepted deliveries and clicks queued is consumed between properties (never during one).
  afterEach(async () => {
    await checker?.settle();
  });

  async function record(req: FuzzRequest, options?: { rejectionFormat?: 'problem' | 'html' }) {
    const res = await checker.check(req, options);
    if (res.status >= 400) outcomes.refused += 1;
    else outcomes.accepted += 1;
    return res;
  }

  it('Stripe: forged, malformed, stale or missing signatures are 400 problem+json, nothing enqueued', async () => {
    const now = () => Math.floor(Date.now() / 1000);
    const header = fc.oneof(
      fc.constantFrom<string | undefined>(undefined, '', 't=', 'v1=', ',,,', 't=abc,v1=00', 't=1,v1=' + 'z'.repeat(64), 't=-1,v1=' + '0'.repeat(64), 't=99999999999999,v1=' + 'a'.repeat(64)),
      hostileString.filter((s) => s.length < 4000 && /^[\x20-\x7e]*$/.test(s)),
      // Right format, wrong secret.
      fc.constant('wrong').map(() => (b: Buffer) => `t=${now()},v1=${stripeSign('whsec_wrong_secret', now(), b)}`),
      // Right secret, outside the 300 s tolerance either way.
      fc.constantFrom(-400, 400, -86_400).map((skew) => (b: Buffer) => `t=${now() + skew},v1=${stripeSign(world.stripe.secret, now() + skew, b)}`),
      // Right secret, signature over other bytes, or as v0 only.
      fc.constant((b: Buffer) => `t=${now()},v1=${stripeSign(world.stripe.secret, now(), Buffer.concat([b, Buffer.from(' ')]))}`),
      fc.constant((b: Buffer) => `t=${now()},v0=${stripeSign(world.stripe.secret, now(), b)}`),
    );
    await fc.assert(
      fc.asyncProperty(bodies(stripeSamples), header, contentTypes, async (body, makeHeader, contentType) => {
        const signature = typeof makeHeader === 'function' ? makeHeader(body) : makeHeader;
        const res = await record({
          method: 'POST',
          path: `/webhooks/stripe/${world.stripe.integrationId}`,
          headers: { 'content-type': contentType, 'stripe-signature': signature },
          body,
        });
        // An oversized body is refused by the gateway before any signature is read.
        expect(res.status === 400 || res.status === 413, `${res.status} ${res.body.toString('utf8')}`).toBe(true);
      }),
      { ...runs, seed: fuzzSeed },
    );
  }, testTimeoutMs);

  it('Stripe: validly signed garbage is answered without a 5xx; refused garbage writes and enqueues nothing', async () => {
    await fc.assert(
      fc.asyncProperty(bodies(stripeSamples), contentTypes, fc.boolean(), async (body, contentType, extraSignatures) => {
        const t = Math.floor(Date.now() / 1000);
        const v1 = stripeSign(world.stripe.secret, t, body);
        const signature = extraSignatures ? `t=${t},v1=${'0'.repeat(64)},v1=${v1},v0=abc` : `t=${t},v1=${v1}`;
        const res = await record({
          method: 'POST',
          path: `/webhooks/stripe/${world.stripe.integrationId}`,
          headers: { 'content-type': contentType, 'stripe-signature': signature },
          body,
        });
        if (res.status === 200) expect(JSON.parse(res.body.toString('utf8'))).toMatchObject({ received: true });
        // The signature is over the exact bytes sent (bad UTF-8 and non-JSON content types included): never refused as forged.
        if (res.status === 400) expect(JSON.parse(res.body.toString('utf8')).type, res.body.toString('utf8')).not.toBe('/problems/webhook-signature');
      }),
      { ...runs, seed: fuzzSeed + 1 },
    );
  }, testTimeoutMs);

  it('Shopify: forged HMACs and hostile headers are refused; validly signed garbage never 5xx, refused garbage writes nothing', async () => {
    const shopifyBodies = bodies(shopifySamples.map((s) => s.body));
    const hmac = fc.oneof(
      { weight: 3, arbitrary: fc.constant('valid') },
      {
        weight: 2,
        arbitrary: fc.constantFrom<string | undefined>(
          undefined,
          '',
          '=',
          'not base64 at all',
          Buffer.alloc(32).toString('base64'),
          'wrong-secret',
          'A'.repeat(5000),
        ),
      },
    );
    const topic = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('orders/paid', 'refunds/create', 'orders/create', 'orders/updated', 'app/uninstalled') },
      { weight: 1, arbitrary: fc.constantFrom<string | undefined>(undefined, '', ...injectionStrings.filter((s) => /^[\x20-\x7e]*$/.test(s))) },
    );
    const webhookId = fc.oneof(
      { weight: 4, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: fc.constantFrom<string | undefined>(undefined, '', ' ', 'x'.repeat(2000), ...injectionStrings.filter((s) => /^[\x20-\x7e]+$/.test(s))) },
    );
    const shop = fc.constantFrom<string | undefined>(undefined, world.shopify.shopDomain, world.shopify.shopDomain.toUpperCase(), 'other-shop.myshopify.com', "x' OR '1'='1");
    await fc.assert(
      fc.asyncProperty(shopifyBodies, hmac, topic, webhookId, shop, contentTypes, async (body, mac, t, id, shopDomain, contentType) => {
        const signature =
          mac === 'valid' ? shopifySign(world.shopify.secret, body) : mac === 'wrong-secret' ? shopifySign('another-secret-entirely', body) : mac;
        const res = await record({
          method: 'POST',
          path: `/webhooks/shopify/${world.shopify.integrationId}`,
          headers: {
            'content-type': contentType,
            'x-shopify-hmac-sha256': signature,
            'x-shopify-topic': t,
            'x-shopify-webhook-id': id,
            'x-shopify-shop-domain': shopDomain,
          },
          body,
        });
        if (body.length > 1024 * 1024) return;
        const problemType = res.status === 400 ? (JSON.parse(res.body.toString('utf8')) as { type: string }).type : undefined;
        if (mac !== 'valid') expect(problemType, res.body.toString('utf8')).toBe('/problems/webhook-signature');
        else expect(problemType, res.body.toString('utf8')).not.toBe('/problems/webhook-signature');
      }),
      { ...runs, seed: fuzzSeed + 2 },
    );
  }, testTimeoutMs);

  it('hostile webhook paths (providers, ids, other tenants) are 404 problem+json', async () => {
    const provider = fc.oneof(fc.constantFrom('stripe', 'shopify', 'paypal', 'STRIPE', '%73tripe', '', '..', '%00'), hostileString.filter((s) => s.length < 200).map(percentEncode));
    const id = fc.oneof(fc.constantFrom(...hostileIdSegments), fc.integer({ min: 1, max: 50 }).map(String));
    await fc.assert(
      fc.asyncProperty(provider, id, fc.constantFrom(world.stripe.secret, world.shopify.secret), async (p, i, secret) => {
        const body = Buffer.from(JSON.stringify(stripeSamples[0]));
        const t = Math.floor(Date.now() / 1000);
        const path = p === '' ? `/webhooks/${i}` : `/webhooks/${p}/${i}`;
        // Signed with this world's secret: even so, a path that is not this integration's is not found.
        const decoded = (() => {
          try {
            return decodeURIComponent(p);
          } catch {
            return p;
          }
        })();
        const isOwn = (decoded === 'stripe' && i === String(world.stripe.integrationId)) || (decoded === 'shopify' && i === String(world.shopify.integrationId));
        const res = await record({
          method: 'POST',
          path,
          headers: { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${stripeSign(secret, t, body)}`, 'x-shopify-hmac-sha256': shopifySign(secret, body) },
          body,
        });
        if (!isOwn) expect([400, 404], `${path} -> ${res.status}`).toContain(res.status);
      }),
      { ...runs, seed: fuzzSeed + 3 },
    );
    ctx.fuzzed.add('POST /webhooks/{provider}/{integration_id}');
  }, testTimeoutMs);

  it('redirect: hostile short codes, headers and query strings are a 404 page or a 302 to the stored destination', async () => {
    const code = fc.oneof(
      { weight: 2, arbitrary: fc.constant(world.shortCode) },
      { weight: 1, arbitrary: fc.constant(world.shortCode.toUpperCase()) },
      { weight: 4, arbitrary: fc.oneof(fc.constantFrom(...hostileIdSegments), hostileString.filter((s) => s.length < 3000).map((s) => percentEncode(s) || '%20')) },
    );
    const query = fc.option(
      fc.constantFrom('url=https://evil.example.net/', 'destination=javascript:alert(1)', 'aff_click_id=%00', '%', 'redirect=%2F%2Fevil.example.net', 'a=' + 'b'.repeat(4000)),
      { nil: undefined },
    );
    const headers = fc.record(
      {
        'user-agent': fc.oneof(fc.constantFrom('Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0', 'Googlebot/2.1', ''), hostileString.filter((s) => s.length < 4000 && /^[\x20-\x7e]*$/.test(s))),
        cookie: fc.constantFrom('aff_cid=%00', 'aff_cid=' + 'f'.repeat(5000), 'aff_cid=00000000-0000-4000-8000-000000000000', "aff_cid=' OR 1=1", 'aff_cid'),
        referer: fc.constantFrom('javascript:alert(1)', 'https://evil.example.net/?q=<script>', 'x'.repeat(3000)),
        'cloudfront-viewer-address': fc.constantFrom('::::', '999.999.999.999:1', '[::1]:80', "1.2.3.4' --:1", ''),
        'x-forwarded-for': fc.constantFrom('10.0.0.1, 127.0.0.1', "' OR 1=1", ''),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'HEAD'), code, query, headers, async (method, c, q, h) => {
        const path = `/${c}${q ? `?${q}` : ''}`;
        const res = await record({ method, path, headers: h }, { rejectionFormat: 'html' });
        if (res.status === 302) {
          const location = new URL(String(res.headers.location));
          // The destination only ever comes from the stored link.
          expect(location.origin, path).toBe('https://shop.example.com');
          expect(location.pathname, path).toBe('/landing');
        } else {
          expect(res.status, `${method} ${path}`).toBe(404);
        }
      }),
      { ...runs, seed: fuzzSeed + 4 },
    );
    ctx.fuzzed.add('GET /{short_code}');
    ctx.fuzzed.add('HEAD /{short_code}');
  }, testTimeoutMs);

  it('beacon: hostile bodies, queries, cookies and origins are a 200 pixel, a 204 or a 400 problem+json; never a 5xx', async () => {
    // A real click id, as the redirect appends it to the landing URL.
    const landed = await record({ method: 'GET', path: `/${world.shortCode}`, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0' } });
    const clickId = new URL(String(landed.headers.location)).searchParams.get('aff_click_id')!;
    const fields = fc.record(
      {
        event: fc.oneof(fc.constantFrom('page_view', 'add_to_cart', 'sale', 'click', 'refund', 'Page View', ''), hostileString),
        aff_click_id: fc.oneof(fc.constant(clickId), fc.constant(clickId.toUpperCase()), fc.uuid(), hostileString),
        page: fc.oneof(fc.constantFrom('/p', 'https://shop.example.com/cart?email=a@b.c', 'javascript:alert(1)', '//evil'), hostileString),
        value: fc.oneof(fc.constantFrom('10.00', '-1', '1e9', '0.0001'), hostileString),
        currency: fc.oneof(fc.constantFrom('EUR', 'eur', 'EURO'), hostileString),
      },
      { requiredKeys: [] },
    );
    const asQuery = (f: Record<string, string>) => new URLSearchParams(f).toString();
    const body = fc.oneof(
      { weight: 3, arbitrary: fields.map((f) => Buffer.from(JSON.stringify(f))) },
      { weight: 2, arbitrary: fields.map((f) => Buffer.from(asQuery(f))) },
      { weight: 2, arbitrary: hostileRawBody },
      { weight: 1, arbitrary: hostileValue.map(encodeJsonBody) },
    );
    const headers = fc.record(
      {
        'content-type': contentTypes,
        'user-agent': fc.constantFrom('Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0', 'Googlebot/2.1', ''),
        cookie: fc.constantFrom('aff_cid=%00', 'aff_cid=' + 'f'.repeat(5000), 'aff_cid=00000000-0000-4000-8000-000000000000', "aff_cid=' OR 1=1", 'aff_cid'),
        origin: fc.constantFrom('https://shop.example.com', 'null', 'https://evil.example.net', '*', ''),
      },
      { requiredKeys: [] },
    );
    const request = fc.oneof(
      fc.tuple(body, headers).map(([b, h]) => ({ method: 'POST', path: '/e', headers: h, body: b })),
      fc.tuple(fields, headers).map(([f, h]) => ({ method: 'GET', path: `/e.gif?${asQuery(f)}`, headers: h })),
      fc.tuple(fc.constantFrom('%', 'event=%00', 'event=' + 'a'.repeat(4000), 'aff_click_id=%', ''), headers).map(([q, h]) => ({ method: 'GET', path: `/e.gif?${q}`, headers: h })),
      headers.map((h) => ({ method: 'OPTIONS', path: '/e', headers: h })),
    );
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const res = await record(req);
        // 413 and 431: the gateway's own limits on bodies and request lines, before the beacon.
        expect([200, 204, 400, 413, 431], `${req.method} ${req.path}`).toContain(res.status);
        if (res.status === 200) expect(res.headers['content-type']).toBe('image/gif');
      }),
      { ...runs, seed: fuzzSeed + 6 },
    );
    ctx.fuzzed.add('GET /e.gif');
    ctx.fuzzed.add('POST /e');
    ctx.fuzzed.add('OPTIONS /e');
  });

  it('tracking script: hostile file names and headers are the script or a 404 problem, never a 5xx', async () => {
    const file = fc.oneof(
      { weight: 1, arbitrary: fc.constantFrom('track.js', 'track.v1.js', 'track.mjs', 'constructor', '__proto__', '..%2F..%2Fpackage.json', '%00', 'track.js%00.png') },
      { weight: 4, arbitrary: fc.oneof(fc.constantFrom(...hostileIdSegments), hostileString.filter((s) => s.length < 3000).map((s) => percentEncode(s) || '%20')) },
    );
    const headers = fc.record({ 'if-none-match': fc.constantFrom('*', '"', 'W/', '"a", W/"b"', 'x'.repeat(4000)), accept: fc.constantFrom('*/*', 'text/html', '') }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(file, headers, async (name, h) => {
        const path = `/js/${name}`;
        const res = await record({ method: 'GET', path, headers: h });
        if (res.status === 200 || res.status === 304) expect(String(res.headers['content-type']), path).toMatch(/^text\/javascript/);
        else expect(res.status, `GET ${path}`).toBe(404);
        // HEAD: the same status and type without a body (a problem's body included), nothing written.
        const head = await fp.send({ method: 'HEAD', path, headers: h });
        expect([head.status, String(head.headers['content-type'])], `HEAD ${path}`).toEqual([res.status, String(res.headers['content-type'])]);
        expect(head.body.length, `HEAD ${path}`).toBe(0);
      }),
      { ...runs, seed: fuzzSeed + 5 },
    );
    ctx.fuzzed.add('GET /js/{file}');
    ctx.fuzzed.add('HEAD /js/{file}');
  }, testTimeoutMs);

  it('regression: headers over 16 KB are a 431 problem+json from the gateway, not a bare status', async () => {
    const res = await record({ method: 'GET', path: `/v1/campaigns?q=${'a'.repeat(20_000)}`, headers: { 'x-big': 'b'.repeat(1000) } });
    expect(res.status).toBe(431);
  });

  it('regression: an integration id beyond PostgreSQL integer range is a 404 problem, not a 500', async () => {
    for (const id of ['2147483648', '9999999999']) {
      const res = await record({ method: 'POST', path: `/webhooks/stripe/${id}`, headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' }, body: Buffer.from('{}') });
      expect(res.status, id).toBe(404);
    }
  });

  it('regression: a signed Stripe event whose timestamps lie beyond year 9999 is a 400, not a RangeError 500', async () => {
    for (const sampleEvent of stripeSamples) {
      const event = structuredClone(sampleEvent) as { created: number; data: { object: Record<string, unknown> } };
      event.created = 9_007_199_254_740;
      event.data.object.created = 9_007_199_254_740;
      const body = Buffer.from(JSON.stringify(event));
      const t = Math.floor(Date.now() / 1000);
      const res = await record({
        method: 'POST',
        path: `/webhooks/stripe/${world.stripe.integrationId}`,
        headers: { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${stripeSign(world.stripe.secret, t, body)}` },
        body,
      });
      expect([200, 400], res.body.toString('utf8')).toContain(res.status);
    }
  });

  it('paths no route declares are 404 problem+json from the gateway', async () => {
    const path = fc.constantFrom('/', '/a/b', '/webhooks', '/webhooks/stripe', '/webhooks/stripe/1/extra', '/%', '/%00/x', '/..', '/v1', '//');
    await fc.assert(
      fc.asyncProperty(path, fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'), async (p, method) => {
        // A GET of one non-empty segment is the redirect's (its 404 is a page for people).
        const redirect = method === 'GET' && /^\/[^/]+$/.test(p);
        const res = await record(
          { method, path: p, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : Buffer.from('{}') },
          { rejectionFormat: redirect ? 'html' : 'problem' },
        );
        expect(res.status, `${method} ${p}`).toBe(404);
      }),
      { numRuns: fuzzRuns, seed: fuzzSeed + 5, endOnFailure: true },
    );
  }, testTimeoutMs);

  it('what accepted deliveries and clicks queued is consumed without dead letters', async () => {
    await checker.settle();
    for (const [name, poller] of Object.entries(fp.platform.pollers)) expect(poller.counters.deadLettered, name).toBe(0);
  });

  it('every gateway route outside /v1 was fuzzed', () => {
    expect(nonApiGatewayRoutes.filter((k) => !ctx.fuzzed.has(k))).toEqual([]);
  });
});
}
