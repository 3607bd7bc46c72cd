/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON asserted field by field in tests; `any` keeps those assertions terse. */
/**
 * One management API per test file: a migrated database (PGlite, or PostgreSQL with
 * TEST_DATABASE_URL), dynalite with the platform's tables, a settable clock, and helpers that create
 * vendors, partners, campaigns, enrollments and links through the API itself.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { expect } from 'vitest';
import { createHandler } from '../../../functions/handlers/management-api.js';
import { createLinkStore } from '../../../functions/adapters/aws/link-writer.js';
import { createEnvelopeCipher } from '../../../functions/adapters/crypto/create-envelope-cipher.js';
import { createLocalKeyFileDataKeyProvider } from '../../../functions/adapters/crypto/create-local-key-file-data-key-provider.js';
import { createRedirect } from '../../../functions/handlers/redirect.js';
import { generateShortCode } from '../../../functions/domain/enrollments/generate-short-code.js';
import type { PlatformDeps } from '../../../functions/platform/composition-root.js';
import type { LinkItem, LinkStore } from '../../../functions/ports/link-store.js';
import { buildApiEvent, createApiClient, type ApiClient } from './api-client.js';
import { createTestDatabase, type TestDatabase } from '../database/test-database.js';
import { startLocalAws } from '../stand-ins/local-aws.js';
import { createRoleExecutor } from '../../../functions/adapters/sql/role-executor.js';
import { functions } from '../../../lib/resources.js';

const SHOPPER_BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

export const adminToken = 'test-admin-token-0123456789';
export const publicBaseUrl = 'https://go.example.test';

export interface ApiFixture {
  api: ApiClient;
  db: TestDatabase;
  deps: PlatformDeps;
  /** The real DynamoDB link store (dynalite). */
  linkStore: LinkStore;
  /** Short codes to hand out before falling back to random ones (forces collisions). */
  queueShortCodes(...codes: string[]): void;
  /** Make the next `n` link puts fail (the hot store is "down"). */
  failLinkPuts(n: number): void;
  clock: { now: Date; advance(ms: number): void };
  /** Follows a short link through the real redirect (reading the same dynalite table). */
  redirect(shortCode: string): Promise<{ status: number; location: string | undefined }>;
  close(): Promise<void>;
}

export async function createApiFixture(): Promise<ApiFixture> {
  const [db, aws] = await Promise.all([createTestDatabase(), startLocalAws({ queues: [] })]);
  const dynamodb = aws.dynamodb;
  const clock = {
    now: new Date('2026-03-01T12:00:00.000Z'),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  const deps: PlatformDeps = {
    config: {
      tableNames: aws.tableNames,
      queueUrls: { clicks: '', conversions: '', notifications: '' },
      publicBaseUrl,
      adminToken,
      repeatClickWindowSeconds: 3600,
    },
    // As on AWS: the API's statements run as its own role (schema/0013_database_roles.sql).
    sql: createRoleExecutor(db.sql, functions.managementApi.databaseRole),
    dynamodb,
    sqs: new SQSClient({ region: 'us-east-1' }),
    now: () => clock.now,
    // The local runner's cipher over a key file in a fresh temporary DATA_DIR.
    paymentDataCipher: createEnvelopeCipher(createLocalKeyFileDataKeyProvider({ dataDir: await mkdtemp(path.join(tmpdir(), 'affiliate-keys-')) })),
  };
  const real = createLinkStore({ client: dynamodb, tableName: aws.tableNames.links });
  let failures = 0;
  const linkStore: LinkStore = {
    get: (code) => real.get(code),
    put: async (item: LinkItem) => {
      if (failures > 0) {
        failures -= 1;
        throw new Error('injected hot-store failure');
      }
      return real.put(item);
    },
  };
  const forcedCodes: string[] = [];
  const newShortCode = () => forcedCodes.shift() ?? generateShortCode();
  const api = createApiClient(createHandler(deps, { linkStore, newShortCode }));
  // Clicks are not this suite's subject: an in-memory click store and queue stand in.
  const redirect = createRedirect({
    links: real,
    clicks: {
      recordVisit: async () => ({ firstInWindow: true }),
      put: async () => undefined,
      get: async () => undefined,
      listByCookie: async () => [],
    },
    queue: { send: async () => undefined },
    config: deps.config,
    now: deps.now,
    log: { error: () => undefined, warn: () => undefined },
  });
  return {
    api,
    db,
    deps,
    linkStore: real,
    queueShortCodes(...codes) {
      forcedCodes.push(...codes);
    },
    failLinkPuts(n) {
      failures = n;
    },
    clock,
    async redirect(shortCode) {
      // A shopper's browser: the API client's own user agent (`vitest`) is a bot to the redirect.
      const result = await redirect(buildApiEvent('GET', `/${shortCode}`, undefined, { headers: { 'user-agent': SHOPPER_BROWSER } }));
      return { status: result.statusCode ?? 0, location: result.headers?.location as string | undefined };
    },
    async close() {
      await Promise.all([aws.close(), db.close()]);
    },
  };
}

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter += 1)}`;

export interface VendorHandle {
  vendor_id: number;
  vendor_user_id: number;
  key: string;
}

export async function createVendor(api: ApiClient, overrides: Record<string, unknown> = {}): Promise<VendorHandle> {
  const res = await api.post(
    '/v1/admin/vendors',
    { name: 'Acme', email: `vendor-${unique()}@example.com`, website_url: 'https://shop.example.com', ...overrides },
    { token: adminToken },
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { vendor_id: res.body.vendor_id, vendor_user_id: res.body.vendor_user_id, key: res.body.api_key };
}

export interface PartnerHandle {
  partner_id: number;
  key: string;
}

export async function createPartner(api: ApiClient, overrides: Record<string, unknown> = {}): Promise<PartnerHandle> {
  const res = await api.post('/v1/admin/partners', { name: 'Pat', email: `partner-${unique()}@example.com`, ...overrides }, { token: adminToken });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { partner_id: res.body.partner_id, key: res.body.api_key };
}

export const campaignBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'Summer sale',
  destination_url: 'https://shop.example.com/summer',
  default_commission_type: 'percentage',
  default_commission_value: '10.00',
  ...overrides,
});

export async function createCampaign(api: ApiClient, vendorKey: string, overrides: Record<string, unknown> = {}) {
  const res = await api.post('/v1/campaigns', campaignBody(overrides), { token: vendorKey });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { campaign_id: number; campaign_version_id: number; version_number: number };
}

/** Enrolls `partner` directly (approved) and returns the campaign_partner_id. */
export async function enroll(api: ApiClient, vendorKey: string, campaignId: number, partnerId: number): Promise<number> {
  const res = await api.post(`/v1/campaigns/${campaignId}/partners`, { partner_id: partnerId }, { token: vendorKey });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.campaign_partner_id;
}

export async function createLink(api: ApiClient, partnerKey: string, campaignId: number, extra: Record<string, unknown> = {}) {
  const res = await api.post('/v1/partner/links', { campaign_id: campaignId, ...extra }, { token: partnerKey });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { partner_link_id: number; short_code: string; url: string; full_url: string };
}

/** Audit rows of an entity, oldest first. */
export async function auditRows(db: TestDatabase, entityType: string, entityId: number) {
  const { rows } = await db.sql.query<Record<string, unknown>>(
    `SELECT action, actor_type, actor_id, changes, reason, host(ip_address) AS ip_address
     FROM audit_logs WHERE entity_type = :t AND entity_id = :id::bigint ORDER BY audit_log_id`,
    { t: entityType, id: entityId },
  );
  return rows;
}

export function expectProblem(res: { status: number; headers: Record<string, string>; body: any }, status: number) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body.status).toBe(status);
  expect(typeof res.body.title).toBe('string');
  expect(typeof res.body.detail).toBe('string');
  expect(typeof res.body.type).toBe('string');
}
