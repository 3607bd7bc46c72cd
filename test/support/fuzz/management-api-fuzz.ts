/**
 * Fuzz of every management API route (`ANY /v1/{proxy+}`), through the real HTTP gateway of the
 * local platform: fast-check requests built from the OpenAPI document's schemas, with wrong
 * types, missing and unknown fields, huge strings, 10,000-level JSON, bad UTF-8, NUL bytes, SQL
 * and script payloads, hostile ids and query strings, bad content types and bad credentials.
 *
 * Invariants, per request: never a 5xx and never a hang; every 4xx is problem+json with a useful
 * detail; a rejected request writes no row in any public table (count and content checksum) and
 * sends nothing to any queue.
 *
 * Registered by public-routes.fuzz.test.ts; FUZZ_RUNS and FUZZ_SEED are described there.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FuzzContext } from './fuzz-context.js';
import { allRoutes } from '../../../functions/handlers/api/routes-index.js';
import type { AnyRoute } from '../../../functions/platform/http/route.js';
import {
  diffSnapshots,
  fuzzRuns,
  fuzzSeed,
  stopwatch,
  testTimeoutMs,
  type FuzzPlatform,
  type Checker,
  type FuzzRequest,
} from './fuzz-platform.js';
import { badAuthorizations, contentTypes, encodeJsonBody, hostileRawBody, hostileValue, RawJson } from './hostile-values.js';
import { pathSegmentFor, queryStringFor, valueFor, type JsonSchema, type QueryParameter } from './schema-arbitraries.js';
import { createWorld, worldIsIntact, type World } from './world.js';

interface OpenApiOperation {
  parameters?: { name: string; in: string; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
type OpenApiDocument = { paths: Record<string, Record<string, OpenApiOperation>> };

const routeKey = (route: Pick<AnyRoute, 'method' | 'path'>) => `${route.method} ${route.path}`;
/** Where the wall time goes (ms), printed with the figures. */
const spent = { world: 0, settle: 0, check: 0, route: 0, intact: 0 };
const timed = stopwatch(spent);

/** Registers the management API's fuzz tests on the shared platform of `ctx`. */
export function registerManagementApiFuzz(ctx: FuzzContext): void {
describe('management API', () => {
  let fp: FuzzPlatform;
  let doc: OpenApiDocument;
  let checker: Checker;
  let world: World | undefined;
  let worlds = 0;
  /** Accepted non-GET requests: only those can have broken the tenant. */
  let acceptedWrites = 0;

  beforeAll(async () => {
    fp = ctx.fp;
    checker = ctx.checker;
    const res = await fp.send({ method: 'GET', path: '/v1/openapi.json' });
    expect(res.status).toBe(200);
    doc = JSON.parse(res.body.toString('utf8')) as OpenApiDocument;
    console.log(`[fuzz] management API: ${allRoutes.length} routes, ${fuzzRuns} runs each, FUZZ_SEED=${fuzzSeed}`);
  });

  afterAll(() => {
    ctx.notes.tenants = worlds;
    Object.assign(ctx.spent, spent);
  });

  async function check(req: FuzzRequest): Promise<void> {
    const res = await timed('check', () => checker.check(req));
    // Accepted writes are the only requests that can break the tenant for the next route.
    if (res.status < 400 && req.method !== 'GET') acceptedWrites += 1;
  }

  function credentialFor(route: AnyRoute, world: World, admin: string): fc.Arbitrary<string | undefined> {
    const vendor = `Bearer ${world.vendorKey}`;
    const partner = `Bearer ${world.partnerKey}`;
    const operator = `Bearer ${admin}`;
    const right: string[] =
      route.auth === 'operator' ? [operator] : route.auth === 'vendor' ? [vendor] : route.auth === 'partner' ? [partner] : route.auth === 'api_key' ? [vendor, partner] : route.auth === 'vendor_or_operator' ? [vendor, operator] : [];
    const wrong = [operator, vendor, partner].filter((c) => !right.includes(c));
    if (right.length === 0) return fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...badAuthorizations, operator) });
    return fc.oneof(
      { weight: 10, arbitrary: fc.constantFrom(...right) },
      { weight: 1, arbitrary: fc.constantFrom(...badAuthorizations) },
      { weight: 1, arbitrary: fc.constantFrom(...(wrong.length > 0 ? wrong : right)) },
    );
  }

  function requestArbitrary(route: AnyRoute, world: World, admin: string): fc.Arbitrary<FuzzRequest> {
    const operation = doc.paths[route.path]?.[route.method.toLowerCase()];
    if (!operation) throw new Error(`${routeKey(route)} is not in /v1/openapi.json`);
    const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path');
    const queryParams: QueryParameter[] = (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema }));
    const bodySchema = operation.requestBody?.content?.['application/json']?.schema;

    const segmentNames = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const segments = fc.tuple(...segmentNames.map((name) => pathSegmentFor(pathParams.find((p) => p.name === name)?.schema, world.ids)));
    const query = fc.option(queryStringFor(queryParams, world.ids), { nil: undefined, freq: queryParams.length > 0 ? 2 : 6 });
    const jsonBody = bodySchema
      ? fc.oneof(
          { weight: 12, arbitrary: valueFor(bodySchema, { hostility: 2, ids: world.ids }).map(encodeJsonBody) },
          { weight: 2, arbitrary: hostileValue.map(encodeJsonBody) },
          { weight: 2, arbitrary: hostileRawBody },
        )
      : fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: hostileRawBody }, { weight: 1, arbitrary: hostileValue.map(encodeJsonBody) });
    const extraHeaders = fc.option(
      fc.constantFrom<Record<string, string>>(
        { 'content-encoding': 'gzip' },
        { 'x-forwarded-for': "1.2.3.4, ' OR 1=1 --" },
        { accept: 'text/html' },
        { 'idempotency-key': '\u00ff'.repeat(3) },
        { cookie: 'aff_cid=%00; a=b' },
        { 'user-agent': 'x'.repeat(8000) },
      ),
      { nil: undefined, freq: 6 },
    );
    return fc
      .record({ segments, query, body: jsonBody, contentType: contentTypes, auth: credentialFor(route, world, admin), extraHeaders })
      .map(({ segments: values, query: q, body, contentType, auth, extraHeaders: extra }) => {
        let index = 0;
        const path = route.path.replace(/\{[^}]+\}/g, () => values[index++]!);
        const headers: Record<string, string | undefined> = { ...extra, authorization: auth };
        if (body) headers['content-type'] = contentType;
        return { method: route.method, path: q ? `${path}?${q}` : path, headers, body };
      });
  }

  it('the OpenAPI document and the router declare the same routes', () => {
    const fromDoc = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
    expect(new Set(fromDoc)).toEqual(new Set(allRoutes.map(routeKey)));
  });

  it('the harness sees rows inserted, a row updated and a transaction tried (negative control)', async () => {
    const before = await fp.snapshot();
    const created = await createWorld(fp);
    const afterInsert = await fp.snapshot();
    expect(afterInsert.mark).not.toBe(before.mark);
    expect(diffSnapshots(before, afterInsert)).toEqual(expect.arrayContaining(['vendors', 'partners', 'campaigns', 'api_keys', 'audit_logs']));
    await fp.platform.deps.sql.query(`UPDATE vendors SET company_name = 'changed by the harness' WHERE vendor_id = :v::integer`, { v: created.vendorId });
    const afterUpdate = await fp.snapshot();
    expect(diffSnapshots(afterInsert, afterUpdate)).toEqual(['vendors']);
    await fp.platform.deps.sql.transaction(async (tx) => {
      await tx.query(`UPDATE vendors SET company_name = 'rolled back' WHERE vendor_id = :v::integer`, { v: created.vendorId });
      throw new Error('roll back');
    }).catch(() => undefined);
    expect(await fp.writeMark()).not.toBe(afterUpdate.mark);
    expect(diffSnapshots(afterUpdate, await fp.snapshot())).toEqual([]);
    world = created;
    worlds += 1;
  });

  it('regression: a malformed percent-escape in a path id is a 404 problem, not a 500', async () => {
    await checker.settle();
    for (const segment of ['%', '%FF', '%C0%AF', '%E0%A4%A']) {
      const res = await checker.check({ method: 'GET', path: `/v1/campaigns/${segment}`, headers: { authorization: `Bearer ${world!.vendorKey}` } });
      expect(res.status, segment).toBe(404);
    }
  });

  it('regression: a NUL character anywhere in a JSON body is a 400 naming the field, not a 500 from PostgreSQL', async () => {
    await checker.settle();
    const auth = { authorization: `Bearer ${world!.vendorKey}`, 'content-type': 'application/json' };
    const nul = await checker.check({ method: 'PATCH', path: '/v1/vendor', headers: auth, body: Buffer.from(JSON.stringify({ company_name: '\u0000' })) });
    expect(nul.status).toBe(400);
    expect(JSON.parse(nul.body.toString('utf8')).errors).toEqual([{ path: 'body.company_name', message: expect.stringContaining('NUL') }]);
    const deep = encodeJsonBody({ name: 'x', metadata: new RawJson('{"a":'.repeat(10_000) + '"\\u0000"' + '}'.repeat(10_000), 'deep NUL') });
    expect((await checker.check({ method: 'PATCH', path: '/v1/vendor', headers: auth, body: deep })).status).toBe(400);
    const key = await checker.check({ method: 'PATCH', path: '/v1/vendor', headers: auth, body: Buffer.from('{"a\\u0000b":1}') });
    expect(key.status).toBe(400);
    // An unpaired surrogate reached the audit log's jsonb: "invalid input syntax for type json", a 500.
    const surrogate = await checker.check({ method: 'PATCH', path: '/v1/vendor', headers: auth, body: Buffer.from('{"company_name":"\\ud800"}') });
    expect(JSON.parse(surrogate.body.toString('utf8')).errors).toEqual([{ path: 'body.company_name', message: expect.stringContaining('surrogate') }]);
    // 10,000 levels reached the SQL driver's JSON.stringify and overflowed the stack: a 500.
    const partnerAuth = { authorization: `Bearer ${world!.partnerKey}`, 'content-type': 'application/json' };
    const deepDetails = encodeJsonBody({ payment_provider: 'wire', account_details: new RawJson('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000), 'deep') });
    const tooDeep = await checker.check({ method: 'POST', path: '/v1/partner/payment-methods', headers: partnerAuth, body: deepDetails });
    expect(JSON.parse(tooDeep.body.toString('utf8')).errors[0].message).toContain('deeper than 64');
  });

  allRoutes.forEach((route, index) => {
    it(`${routeKey(route)} (${route.auth})`, async () => {
      // One tenant serves route after route until a fuzzed request breaks it (a revoked key, a suspended partner).
      if (!world || (acceptedWrites > 0 && !(await timed('intact', () => worldIsIntact(fp, world!))))) {
        world = await timed('world', () => createWorld(fp));
        worlds += 1;
      }
      acceptedWrites = 0;
      await timed('settle', () => checker.settle());
      const admin = fp.platform.adminToken;
      await timed('route', () => fc.assert(
        fc.asyncProperty(requestArbitrary(route, world!, admin), async (req) => {
          await check(req);
        }),
        { numRuns: fuzzRuns, seed: fuzzSeed + index, endOnFailure: process.env.FUZZ_SHRINK !== '1' },
      ));
      ctx.fuzzed.add(routeKey(route));
    }, testTimeoutMs);
  });

  it('regression: a percentage checked against 100 while its value is not a decimal is a 400, not a BigInt SyntaxError 500', async () => {
    await checker.settle();
    const auth = { authorization: `Bearer ${world!.vendorKey}`, 'content-type': 'application/json' };
    const post = (path: string, body: unknown, method = 'POST') => checker.check({ method, path, headers: auth, body: Buffer.from(JSON.stringify(body)) });
    expect((await post('/v1/rewards', { name: 'r', reward_type: 'percentage', reward_value: '/* */ --' })).status).toBe(400);
    const reward = await post('/v1/rewards', { name: 'r', reward_type: 'percentage', reward_value: '5.00' });
    expect(reward.status).toBe(201);
    const rewardId = (JSON.parse(reward.body.toString('utf8')) as { reward_id: number }).reward_id;
    expect((await post(`/v1/rewards/${rewardId}`, { reward_type: 'percentage', reward_value: 'abc' }, 'PATCH')).status).toBe(400);
    const override = await post(`/v1/campaigns/${world!.campaignId}/overrides`, { partner_id: world!.partnerId, commission_type: 'percentage', commission_value: "1' OR 1=1" });
    expect(override.status).toBe(400);
    const campaign = await post('/v1/campaigns', { name: 'c', destination_url: 'https://shop.example.com/x', default_commission_type: 'percentage', default_commission_value: 'NaN' });
    expect(campaign.status).toBe(400);
  });

  it('regression: metadata nested 10,000 levels deep is a 400, not a stack overflow 500 in its size check', async () => {
    await checker.settle();
    const auth = { authorization: `Bearer ${world!.partnerKey}`, 'content-type': 'application/json' };
    const deep = encodeJsonBody({ external_reference: 'https://blog.example.com/post', metadata: new RawJson('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000), 'deep') });
    expect((await checker.check({ method: 'POST', path: '/v1/partner/content-pieces', headers: auth, body: deep })).status).toBe(400);
  });

  it('every declared query parameter of every route, with each hostile value', async () => {
    await checker.settle();
    // `email=%00` on GET /v1/leads was a 500 (PostgreSQL refuses U+0000) before the router refused NUL.
    const values = ['%00', 'a%00b', '%', '%FF', '1;DROP', '9223372036854775808', "'%20OR%201=1--", 'x'.repeat(3000)];
    let sent = 0;
    for (const route of allRoutes) {
      if (route.method !== 'GET') continue;
      const operation = doc.paths[route.path]?.get;
      const names = (operation?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      const path = route.path.replace(/\{[^}]+\}/g, () => String(world!.campaignId));
      const token = route.auth === 'operator' ? fp.platform.adminToken : route.auth === 'partner' ? world!.partnerKey : world!.vendorKey;
      for (const name of names) {
        for (const value of values) {
          // The route's other required parameters stay valid so this one is what gets judged.
          const others = names.filter((n) => n !== name && n === 'campaign_id').map((n) => `${n}=${world!.campaignId}`);
          await checker.check({ method: 'GET', path: `${path}?${[...others, `${name}=${value}`].join('&')}`, headers: { authorization: `Bearer ${token}` } });
          sent += 1;
        }
      }
    }
    expect(sent).toBeGreaterThan(150);
  }, testTimeoutMs);

  it('wrong methods and unknown paths under /v1 are problem+json 404/405, never a write', async () => {
    await checker.settle();
    const paths = [...new Set(allRoutes.map((r) => r.path))];
    // Only methods node's HTTP parser knows: an unknown one never reaches the gateway (node answers 400 itself).
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];
    const cases = fc.record({
      path: fc.oneof(
        fc.constantFrom(...paths).map((p) => p.replace(/\{[^}]+\}/g, '1')),
        fc.constantFrom('/v1/', '/v1/%00', '/v1/..%2f..%2fetc', '/v1/campaigns/1/../../admin/vendors', '/v1//campaigns', '/v1/' + 'a/'.repeat(500), '/v1/%', '/v1/campaigns/%E0%A4%A'),
      ),
      method: fc.constantFrom(...methods),
      auth: fc.constantFrom(undefined, `Bearer ${fp.platform.adminToken}`),
    });
    await fc.assert(
      fc.asyncProperty(cases, async ({ path, method, auth }) => {
        const declared = allRoutes.some((r) => r.method === method && new RegExp(`^${r.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
        if (declared) return;
        await check({ method, path, headers: { authorization: auth, 'content-type': 'application/json' }, body: Buffer.from('{"x":1}') });
      }),
      { numRuns: fuzzRuns * 4, seed: fuzzSeed, endOnFailure: process.env.FUZZ_SHRINK !== '1' },
    );
    ctx.fuzzed.add('ANY /v1/{proxy+}');
  }, testTimeoutMs);

  it('what accepted requests queued is consumed without dead letters', async () => {
    await checker.settle();
    for (const [name, poller] of Object.entries(fp.platform.pollers)) expect(poller.counters.deadLettered, name).toBe(0);
  });

  it('every route of the API router was fuzzed (a new route without coverage fails here)', () => {
    const apiKeys = new Set(allRoutes.map(routeKey));
    expect(new Set([...ctx.fuzzed].filter((k) => apiKeys.has(k)))).toEqual(apiKeys);
  });
});
}
