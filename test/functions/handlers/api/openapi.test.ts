import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { allRoutes } from '../../../../functions/handlers/api/routes-index.js';
import { createHandler } from '../../../../functions/handlers/management-api.js';
import type { PlatformDeps } from '../../../../functions/platform/composition-root.js';
import { createApiClient } from '../../../support/platform/api-client.js';
import { testPlatformConfig } from '../../../support/platform/test-platform-config.js';

// The document needs no database, key or table: any touch of them fails the test.
const untouchable = new Proxy({}, { get: () => { throw new Error('the OpenAPI route must not use the database'); } });
const deps = {
  config: testPlatformConfig(),
  sql: untouchable,
  dynamodb: new DynamoDBClient({ region: 'us-east-1' }),
  sqs: new SQSClient({ region: 'us-east-1' }),
  now: () => new Date('2026-03-01T00:00:00Z'),
} as unknown as PlatformDeps;
const f = { api: createApiClient(createHandler(deps)) };

describe('GET /v1/openapi.json', () => {
  it('serves an OpenAPI 3.1 document generated from the route schemas, without auth', async () => {
    const res = await f.api.get('/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBeTruthy();
    for (const path of [
      '/v1/admin/vendors',
      '/v1/admin/partners',
      '/v1/admin/jobs/{name}',
      '/v1/campaigns',
      '/v1/campaigns/{campaign_id}',
      '/v1/campaigns/{campaign_id}/partners',
      '/v1/campaign-partners/{campaign_partner_id}/approve',
      '/v1/campaign-partners/{campaign_partner_id}/reject',
      '/v1/partner/campaigns',
      '/v1/partner/campaigns/{campaign_id}/apply',
      '/v1/partner/links',
      '/v1/partner/dashboard',
      '/v1/api-keys/rotate',
      '/v1/vendor-users',
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    const operations = Object.values(doc.paths as Record<string, Record<string, unknown>>).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(operations).toBe(allRoutes.length);

    const createCampaign = doc.paths['/v1/campaigns'].post;
    const schema = createCampaign.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'destination_url', 'default_commission_type']));
    expect(schema.additionalProperties).toBe(false);
    // Money is a decimal string with a pattern, never a JSON number.
    expect(schema.properties.default_commission_value).toMatchObject({ type: ['string', 'null'], pattern: expect.stringContaining('\\d') });
    expect(createCampaign.responses['201']).toBeDefined();
    expect(createCampaign.responses['400'].content['application/problem+json']).toBeDefined();
    expect(doc.paths['/v1/campaigns/{campaign_id}'].get.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'campaign_id', in: 'path', required: true })]),
    );
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});

type Operation = { operationId?: string };
type Document = { info: { license?: unknown }; paths: Record<string, Record<string, Operation>> };

describe('operation ids and license', () => {
  it('names every operation with a unique camelCase operationId', async () => {
    const doc = (await f.api.get('/v1/openapi.json')).body as Document;
    const operations = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ operation: `${method.toUpperCase()} ${p}`, operationId: op.operationId })),
    );
    expect(operations).toHaveLength(allRoutes.length);
    const unnamed = operations.filter((o) => !/^[a-z][a-zA-Z0-9]*$/.test(o.operationId ?? ''));
    expect(unnamed).toEqual([]);
    const seen = new Map<string, string[]>();
    for (const o of operations) seen.set(o.operationId!, [...(seen.get(o.operationId!) ?? []), o.operation]);
    expect([...seen].filter(([, ops]) => ops.length > 1)).toEqual([]);
    // Spot checks of the names a client exposes, the routes built from one helper included.
    expect(doc.paths['/v1/campaigns']!.get!.operationId).toBe('listCampaigns');
    expect(doc.paths['/v1/conversions']!.post!.operationId).toBe('reportConversion');
    expect(doc.paths['/v1/campaigns/{campaign_id}/pause']!.post!.operationId).toBe('pauseCampaign');
    expect(doc.paths['/v1/admin/vendors/{vendor_id}/suspend']!.post!.operationId).toBe('suspendVendor');
  });

  it("carries the package's license", async () => {
    const doc = (await f.api.get('/v1/openapi.json')).body as Document;
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
    const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { license: string };
    expect(doc.info.license).toEqual({ name: pkg.license, identifier: pkg.license });
  });
});

describe('a typed client generated from the document', () => {
  // What a vendor does: generate types with openapi-typescript, call through openapi-fetch, and let tsc check the calls.
  const calls = (sale: string) => `import createClient from 'openapi-fetch';
import type { paths } from './api.js';

const api = createClient<paths>({ baseUrl: 'https://api.example.test', headers: { authorization: 'Bearer vk_example' } });

export async function activeCampaignNames(): Promise<string[]> {
  const { data, error } = await api.GET('/v1/campaigns', { params: { query: { status: 'active', limit: 10 } } });
  if (error) throw new Error(error.detail);
  return data.data.map((campaign) => campaign.name);
}

export async function reportSale(clickId: string): Promise<string> {
  const { data, error } = await api.POST('/v1/conversions', {
    body: { ${sale}, click_id: clickId },
  });
  if (error) throw new Error(error.detail);
  return data.receipt_id;
}
`;
  const sale = "event_type: 'sale', transaction_id: 'order-1001', event_value: '49.90', currency: 'EUR'";
  const clients = {
    'client.ts': calls(sale),
    // A misspelt field and an amount as a JSON number (money is a decimal string): both must fail to compile.
    'misspelt-field.ts': calls(sale.replace('transaction_id', 'transaction_idd')),
    'number-amount.ts': calls(sale.replace("event_value: '49.90'", 'event_value: 49.9')),
  };

  it('type-checks two calls, and rejects a wrong body field', async () => {
    const doc = (await f.api.get('/v1/openapi.json')).body;
    const dir = await mkdtemp(path.join(tmpdir(), 'openapi-client-'));
    try {
      const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
      await symlink(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
      await writeFile(path.join(dir, 'api.ts'), astToString(await openapiTS(doc)));
      for (const [name, source] of Object.entries(clients)) await writeFile(path.join(dir, name), source);

      const program = ts.createProgram({
        rootNames: Object.keys(clients).map((name) => path.join(dir, name)),
        options: {
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          moduleResolution: ts.ModuleResolutionKind.Bundler,
          lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
          types: [],
        },
      });
      const errors = (name: string) =>
        ts.getPreEmitDiagnostics(program, program.getSourceFile(path.join(dir, name))).map((d) => ({
          line: d.file ? d.file.getLineAndCharacterOfPosition(d.start!).line + 1 : 0,
          message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
        }));

      expect(errors('client.ts')).toEqual([]);
      const bodyLine = clients['client.ts'].split('\n').findIndex((l) => l.includes('click_id: clickId')) + 1;
      expect(errors('misspelt-field.ts')).toEqual([
        expect.objectContaining({ line: bodyLine, message: expect.stringContaining("'transaction_idd' does not exist") }),
      ]);
      expect(errors('number-amount.ts')).toEqual([
        expect.objectContaining({ line: bodyLine, message: expect.stringContaining("Type 'number' is not assignable to type 'string'") }),
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
