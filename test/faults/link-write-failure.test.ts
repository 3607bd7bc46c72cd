/**
 * The DynamoDB link write failing after the partner_links row committed, end to end on the local
 * platform. The management API's DynamoDB client goes through a TCP proxy that is cut (live connections
 * destroyed, new ones refused) while the redirect keeps its own, healthy client to dynalite: the failure sits at the
 * DynamoDB client boundary, after the SQL commit, with no mock.
 *
 * What the product does today (functions/use-cases/write-links-through.ts): the request still
 * succeeds (201, `hot_store: "pending_repair"`), the link is marked for repair in audit_logs, the
 * short link 404s, and `POST /v1/admin/jobs/sync-links` repairs it; then the redirect answers 302
 * and the click is counted once. A status change (campaign paused) whose write-through failed
 * keeps redirecting until the same repair stops it. Nothing is created twice.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbLinkStore } from '../../functions/adapters/aws/dynamodb-link-store.js';
import { createHandler as createManagementApi } from '../../functions/handlers/management-api.js';
import { createHandler as createRedirect } from '../../functions/handlers/redirect.js';
import type { LinkStore } from '../../functions/ports/link-store.js';
import type { LocalHandler } from '../../lib/local/load-functions.js';
import { httpApi, printFigures, startFaultPlatform, type FaultPlatform } from '../support/platform/fault-platform.js';
import { startTcpProxy, type TcpProxy } from '../support/stand-ins/tcp-proxy.js';
import { recordingLogger } from '../support/fixtures/recording-telemetry.js';

let fp: FaultPlatform;
let proxy: TcpProxy;
let api: ReturnType<typeof httpApi>;
let hotStore: LinkStore;
/** The management API's log: a write-through that failed twice says so, naming the links marked for repair. */
const managementLog = recordingLogger();
/**
 * The redirect's clock runs ahead by this much: its warm cache keeps a miss 5 s and a found link
 * 30 s, and the test moves past those instead of waiting for them.
 */
let redirectSkewMs = 0;
const figures: Record<string, number | string> = {};
const suiteStarted = performance.now();

beforeAll(async () => {
  proxy = await startTcpProxy(() => {
    const endpoint = new URL(process.env.AWS_ENDPOINT_URL_DYNAMODB!);
    return { host: endpoint.hostname, port: Number(endpoint.port) };
  });
  fp = await startFaultPlatform('link-write', {
    functionOverrides: {
      // Built after the platform pointed the SDK at the stand-ins (region, credentials); only the endpoint differs.
      managementApi: (deps) => createManagementApi({ ...deps, logger: managementLog, dynamodb: new DynamoDBClient({ endpoint: `http://${proxy.host}:${proxy.port}` }) }) as LocalHandler,
      redirect: (deps) => createRedirect({ ...deps, now: () => new Date(Date.now() + redirectSkewMs) }) as LocalHandler,
    },
  });
  api = httpApi(fp.platform.url);
  hotStore = createDynamoDbLinkStore({ client: fp.platform.deps.dynamodb, tableName: fp.platform.deps.config.tableNames.links, consistentRead: true });
}, 120_000);

afterAll(async () => {
  await fp?.stop();
  await proxy?.close();
  figures.wall_ms = Math.round(performance.now() - suiteStarted);
  printFigures('link-write-failure', figures);
});

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter += 1)}`;

async function program() {
  const admin = fp.platform.adminToken;
  const vendor = await api.post('/v1/admin/vendors', { name: 'Acme', email: `vendor-${unique()}@example.com`, website_url: 'https://shop.example.com' }, admin);
  expect(vendor.status, JSON.stringify(vendor.body)).toBe(201);
  const partner = await api.post('/v1/admin/partners', { name: 'Pat', email: `partner-${unique()}@example.com` }, admin);
  expect(partner.status, JSON.stringify(partner.body)).toBe(201);
  const campaign = async (name: string) => {
    const res = await api.post(
      '/v1/campaigns',
      { name, destination_url: 'https://shop.example.com/summer', default_commission_type: 'percentage', default_commission_value: '10.00' },
      vendor.body.api_key,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const enrolled = await api.post(`/v1/campaigns/${res.body.campaign_id}/partners`, { partner_id: partner.body.partner_id }, vendor.body.api_key);
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
    return res.body.campaign_id as number;
  };
  return { vendorKey: vendor.body.api_key as string, partnerKey: partner.body.api_key as string, partnerId: partner.body.partner_id as number, campaign };
}

async function hop(shortCode: string) {
  const res = await fetch(`${fp.platform.url}/${shortCode}`, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0' } });
  await res.arrayBuffer();
  return { status: res.status, location: res.headers.get('location') };
}

async function linkItemsInHotStore(): Promise<number> {
  const scan = await fp.platform.deps.dynamodb.send(new ScanCommand({ TableName: fp.platform.deps.config.tableNames.links, Select: 'COUNT' }));
  return scan.Count ?? 0;
}

describe('the DynamoDB link write fails after the row committed', () => {
  it('answers 201 pending_repair, 404s until sync-links repairs it, then 302s; nothing duplicated', async () => {
    const { platform } = fp;
    const sql = platform.deps.sql;
    const p = await program();
    const summer = await p.campaign('Summer');
    const winter = await p.campaign('Winter');

    // Healthy first: a link on the winter campaign, written through, redirecting.
    const winterLink = await api.post('/v1/partner/links', { campaign_id: winter }, p.partnerKey);
    expect(winterLink.status).toBe(201);
    expect(winterLink.body.hot_store).toBe('synced');
    expect((await hop(winterLink.body.short_code)).status).toBe(302);

    // DynamoDB unreachable for the management API.
    await proxy.cut();
    const created = await api.post('/v1/partner/links', { campaign_id: summer }, p.partnerKey);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.hot_store).toBe('pending_repair');
    const { partner_link_id: linkId, short_code: code } = created.body as { partner_link_id: number; short_code: string };
    // The row committed; the hot store has nothing; the link is marked for repair.
    expect((await sql.query(`SELECT 1 FROM partner_links WHERE partner_link_id = :id::integer`, { id: linkId })).rows).toHaveLength(1);
    expect(await hotStore.get(code)).toBeUndefined();
    const marks = async (id: number) =>
      (await sql.query<{ action: string }>(`SELECT action FROM audit_logs WHERE entity_type = 'partner_links' AND entity_id = :id::bigint ORDER BY audit_log_id`, { id })).rows.map((r) => r.action);
    expect(await marks(linkId)).toEqual(['create', 'hot_store_sync_failed']);
    expect(managementLog.lines.filter((l) => l.level === 'warn').map((l) => [l.message, l.fields.partner_link_ids])).toContainEqual([
      'link hot-store write failed; marked for repair',
      [linkId],
    ]);
    expect(await hop(code)).toEqual({ status: 404, location: null });

    // Pausing the winter campaign commits, but its link's write-through fails too: the old item keeps redirecting.
    const paused = await api.post(`/v1/campaigns/${winter}/pause`, {}, p.vendorKey);
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    expect((await hotStore.get(winterLink.body.short_code))?.status).toBe('active');
    expect(await marks(winterLink.body.partner_link_id)).toContain('hot_store_sync_failed');

    // The repair job during the outage repairs nothing and says so; the marks stay.
    const early = await api.post('/v1/admin/jobs/sync-links', {}, platform.adminToken);
    expect(early.status).toBe(200);
    expect(early.body.result.synced).toBe(0);
    expect([...early.body.result.failed].sort()).toEqual([linkId, winterLink.body.partner_link_id].sort());
    expect(await hop(code)).toEqual({ status: 404, location: null });
    figures.connections_cut = proxy.destroyed;

    // DynamoDB back; the operator runs the repair.
    await proxy.restore();
    const repaired = await api.post('/v1/admin/jobs/sync-links', {}, platform.adminToken);
    expect(repaired.status).toBe(200);
    expect(repaired.body.result).toEqual({ synced: 2, failed: [] });
    expect(await hotStore.get(code)).toMatchObject({ partner_link_id: linkId, status: 'active', destination_url: 'https://shop.example.com/summer' });
    expect((await hotStore.get(winterLink.body.short_code))?.status).toBe('inactive');

    // Past the redirect's cache: the repaired link redirects, the paused one stops.
    redirectSkewMs = 31_000;
    const answer = await hop(code);
    expect(answer.status).toBe(302);
    const location = new URL(answer.location!);
    expect(`${location.origin}${location.pathname}`).toBe('https://shop.example.com/summer');
    const clickId = location.searchParams.get('aff_click_id');
    expect(clickId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await hop(winterLink.body.short_code)).status).toBe(404);

    // A second repair re-puts the same item (only its build time moves); nothing exists twice.
    const { updated_at: _at, ...before } = (await hotStore.get(code))!;
    const again = await api.post('/v1/admin/jobs/sync-links', {}, platform.adminToken);
    expect(again.body.result).toEqual({ synced: 2, failed: [] });
    expect(await hotStore.get(code)).toEqual({ ...before, updated_at: expect.any(String) });
    await platform.drain(30_000);
    const counts = await sql.query<{ links: number; creates: number; clicks: number }>(
      `SELECT (SELECT COUNT(*)::integer FROM partner_links pl JOIN campaign_partners cp ON cp.campaign_partner_id = pl.campaign_partner_id
               WHERE cp.partner_id = :p::integer) AS links,
              (SELECT COUNT(*)::integer FROM audit_logs WHERE entity_type = 'partner_links' AND action = 'create'
               AND entity_id IN (:a::bigint, :b::bigint)) AS creates,
              (SELECT COUNT(*)::integer FROM clicks WHERE partner_link_id = :a::integer) AS clicks`,
      { p: p.partnerId, a: linkId, b: winterLink.body.partner_link_id },
    );
    expect(counts.rows[0]).toEqual({ links: 2, creates: 2, clicks: 1 });
    expect((await sql.query<{ id: string }>(`SELECT click_uuid::text AS id FROM clicks WHERE partner_link_id = :a::integer`, { a: linkId })).rows[0]!.id).toBe(clickId);
    expect(await linkItemsInHotStore()).toBe(2);
    const listed = await api.get('/v1/partner/links', p.partnerKey);
    expect(listed.body.data.map((link: { partner_link_id: number }) => link.partner_link_id).sort()).toEqual([linkId, winterLink.body.partner_link_id].sort());
    figures.repaired = repaired.body.result.synced;
  }, 120_000);
});
