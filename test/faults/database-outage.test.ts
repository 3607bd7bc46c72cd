/**
 * Fault: PostgreSQL unavailable for a while.
 *
 * The whole local platform (gateway, redirect, management API, queue pollers with retries and
 * dead-letter queues, the consumers) runs against PostgreSQL 15 through a TCP proxy
 * (test/support/stand-ins/tcp-proxy.ts). While clicks and conversions flow, the proxy is cut: live connections
 * destroyed, new ones refused, for FAULTS_OUTAGE_SECONDS (default 4); then restored.
 *
 * Asserted:
 * - during the outage the redirect keeps answering 302 (it never touches PostgreSQL), and the API
 *   and the provider webhooks answer a prompt 503 problem+json with Retry-After (not a hang, not a 500);
 * - the consumers' failures are retried: receives fail while the database is away, nothing reaches
 *   a dead-letter queue. The retry delay is chosen so that maxReceiveCount receives span more than
 *   the outage: (maxReceiveCount - 1) x delay > outage + 2 s. A message whose receives all fall
 *   inside a longer outage is dead-lettered, by design (the DLQ suites cover its redrive);
 * - after the restore the node-postgres pool reconnects by itself (new connections through the
 *   proxy, the API answers 200 again), and every click and every conversion is in PostgreSQL
 *   exactly once, the enrollment totals match the rows and the books reconcile.
 *
 * Larger runs: FAULTS_OUTAGE_SECONDS (default 4), FAULTS_OUTAGE_VISITORS (default 16 per phase:
 * visitors before the cut, and again during the outage). FAULTS_RETRY_DELAY_SECONDS forces the
 * retry delay: when (maxReceiveCount - 1) x delay <= the outage, messages may be dead-lettered, and
 * the test then asserts that each one is either in PostgreSQL exactly once or in its DLQ with its
 * failure reason (none lost, none doubled). Skipped when no PostgreSQL answers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversionReceiptId } from '../../functions/domain/integrations/conversion-receipt-id.js';
import type { ConversionMessage } from '../../functions/ports/conversion-message.js';
import { silentLog } from '../../lib/local/local-log.js';
import { deadLetterReasonAttribute } from '../../lib/local/queue-poller.js';
import { startLocalPlatform, type LocalPlatform } from '../../lib/local/start-local-platform.js';
import { queues } from '../../lib/resources.js';
import { clickRowCounts, conversionFacts, expectBalanced, expectClicksExactlyOnce, expectConversionsExactlyOnce, expectTotalsMatchRows } from '../support/books/books.js';
import { createPostgresTestDatabase, isPostgresReachable, postgresServerUrl, type PostgresTestDatabase } from '../support/database/test-database.js';
import { httpCall, type HttpAnswer } from '../support/platform/http-call.js';
import { queueDepth, sendAll, takeAll } from '../support/messages/queue-tools.js';
import { startTcpProxy, type TcpProxy } from '../support/stand-ins/tcp-proxy.js';
import { reportFigures } from '../support/report-figures.js';

const serverUrl = process.env.TEST_POSTGRES_URL ?? postgresServerUrl;
const reachable = await isPostgresReachable(serverUrl);

const outageSeconds = Number(process.env.FAULTS_OUTAGE_SECONDS ?? 4);
const visitorsPerPhase = Number(process.env.FAULTS_OUTAGE_VISITORS ?? 16);
const maxReceives = Math.min(queues.clicks.maxReceiveCount, queues.conversions.maxReceiveCount);
// By default every message gets more receives than the outage can eat (see the header);
// FAULTS_RETRY_DELAY_SECONDS overrides it, e.g. to watch a long outage dead-letter messages.
const retryDelaySeconds = Number(process.env.FAULTS_RETRY_DELAY_SECONDS ?? Math.max(1, Math.ceil((outageSeconds + 2) / (maxReceives - 1))));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const browser = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

describe.skipIf(!reachable)(`PostgreSQL unavailable for ${outageSeconds} s (PostgreSQL ${new URL(serverUrl).host} behind a TCP proxy)`, () => {
  let db: PostgresTestDatabase;
  let proxy: TcpProxy;
  let platform: LocalPlatform;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'faults-outage-'));
    db = await createPostgresTestDatabase({ serverUrl, prefix: 'faults_outage_' });
    const target = new URL(serverUrl);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(db.urlFor('faults_outage_platform'));
    viaProxy.host = `${proxy.host}:${proxy.port}`;
    platform = await startLocalPlatform({
      port: 0,
      dataDir,
      databaseUrl: viaProxy.toString(),
      tickerEnabled: false,
      log: silentLog,
      retryDelaySeconds,
      drainTimeoutMs: 60_000,
    });
  });

  afterAll(async () => {
    await proxy?.restore().catch(() => undefined);
    await platform?.stop();
    await proxy?.close();
    await db?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const call = (method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    httpCall(platform.url, {
      method,
      path,
      body: options.body,
      headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(options.headers ?? {}) },
    });

  async function created(answer: Promise<HttpAnswer>, status = 201): Promise<Record<string, unknown>> {
    const { status: actual, json, text } = await answer;
    expect(actual, text.slice(0, 500)).toBe(status);
    return json as Record<string, unknown>;
  }

  /** A vendor, a linear-attribution campaign, three enrolled partners with one link each, all through the API. */
  async function program() {
    const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const admin = platform.adminToken;
    const vendor = await created(call('POST', '/v1/admin/vendors', { token: admin, body: { name: 'Outage shop', email: `vendor-${tag}@example.com`, website_url: 'https://shop.example.com' } }));
    const vendorKey = vendor.api_key as string;
    const campaign = await created(
      call('POST', '/v1/campaigns', {
        token: vendorKey,
        body: { name: 'Outage sale', destination_url: 'https://shop.example.com/sale', default_commission_type: 'percentage', default_commission_value: '10.00', attribution_model: 'linear' },
      }),
    );
    const shortCodes: string[] = [];
    for (let p = 0; p < 3; p += 1) {
      const partner = await created(call('POST', '/v1/admin/partners', { token: admin, body: { name: `Partner ${p}`, email: `partner-${tag}-${p}@example.com` } }));
      await created(call('POST', `/v1/campaigns/${campaign.campaign_id as number}/partners`, { token: vendorKey, body: { partner_id: partner.partner_id } }));
      const link = await created(call('POST', '/v1/partner/links', { token: partner.api_key as string, body: { campaign_id: campaign.campaign_id } }));
      shortCodes.push(link.short_code as string);
    }
    return { vendorId: vendor.vendor_id as number, vendorKey, campaignVersionId: campaign.campaign_version_id as number, shortCodes };
  }

  /** Visitor `v` clicks 1-3 partners' links in turn, carrying its cookie; returns the click ids, last one last. */
  async function visit(shortCodes: string[], v: number): Promise<string[]> {
    const ids: string[] = [];
    let cookie: string | undefined;
    for (let t = 0; t < 1 + (v % 3); t += 1) {
      const answer = await call('GET', `/${shortCodes[(v + t) % shortCodes.length]!}`, {
        headers: {
          'user-agent': browser,
          // A distinct /24 per visitor: the repeat-click check hashes the truncated address.
          'cloudfront-viewer-address': `10.${(v >> 8) & 255}.${v & 255}.7:443`,
          // Playing CloudFront: without its origin secret the viewer address is not believed.
          'x-origin-verify': platform.originVerifySecret,
          ...(cookie ? { cookie: `aff_cid=${cookie}` } : {}),
        },
      });
      expect(answer.status, answer.text.slice(0, 300)).toBe(302);
      const clickId = new URL(String(answer.headers.location)).searchParams.get('aff_click_id');
      cookie ??= /aff_cid=([^;]+)/.exec(String(answer.headers['set-cookie'] ?? ''))?.[1];
      expect(clickId).toBeTruthy();
      ids.push(clickId!);
    }
    return ids;
  }

  const valueOf = (v: number) => `${30 + v}.${String((v % 10) * 10).padStart(2, '0')}`;

  it('retries while the database is away, answers 503 meanwhile, then records every click and conversion exactly once', async () => {
    const setup = await program();
    const clickIds: string[] = [];
    const receipts: string[] = [];

    // Before the cut: visitors click, the vendor reports their sales through the API (202).
    for (let v = 0; v < visitorsPerPhase; v += 1) {
      const ids = await visit(setup.shortCodes, v);
      clickIds.push(...ids);
      const accepted = await created(
        call('POST', '/v1/conversions', {
          token: setup.vendorKey,
          body: { event_type: 'sale', transaction_id: `before-${v}`, event_value: valueOf(v), click_id: ids[ids.length - 1] },
        }),
        202,
      );
      receipts.push(accepted.receipt_id as string);
    }

    // The cut lands while those messages are queued or being consumed.
    const failedBefore = { clicks: platform.pollers.clicks.counters.failed, conversions: platform.pollers.conversions.counters.failed };
    const cutAt = performance.now();
    await proxy.cut();

    // During the outage: the redirect still works and its clicks queue up; sales accepted just
    // before the cut are still arriving on the conversions queue (one per visitor, as it clicks).
    for (let v = visitorsPerPhase; v < 2 * visitorsPerPhase; v += 1) {
      const ids = await visit(setup.shortCodes, v);
      clickIds.push(...ids);
      const key = { vendor_id: setup.vendorId, source: 'api' as const, transaction_id: `during-${v}`, event_type: 'sale' };
      const message: ConversionMessage = { kind: 'conversion', ...key, receipt_id: conversionReceiptId(key), event_value: valueOf(v), occurred_at: new Date().toISOString(), click_id: ids[ids.length - 1] };
      await sendAll(platform.deps.sqs, platform.queues.conversions.url, [message]);
      receipts.push(message.receipt_id);
    }

    // The API answers at once with a 503 problem (retry later), for a write and for a read.
    const refusedPost = await call('POST', '/v1/conversions', { token: setup.vendorKey, body: { event_type: 'sale', transaction_id: 'refused', event_value: '1.00' } });
    const refusedGet = await call('GET', '/v1/conversions', { token: setup.vendorKey });
    // A provider's delivery too: the integration's secret is in PostgreSQL; a 503 makes Stripe and Shopify retry it.
    const refusedWebhook = await call('POST', '/webhooks/stripe/1', { body: { id: 'evt_outage', type: 'checkout.session.completed' }, headers: { 'stripe-signature': 't=1,v1=00' } });
    for (const refused of [refusedPost, refusedGet, refusedWebhook]) {
      expect(refused.status, refused.text.slice(0, 300)).toBe(503);
      expect(String(refused.headers['content-type'])).toContain('application/problem+json');
      expect(refused.headers['retry-after']).toBeTruthy();
      expect(refused.json).toMatchObject({ status: 503, title: 'Service Unavailable' });
      expect(refused.text).not.toMatch(/ECONNREFUSED|at .*\.ts:\d+|stack/i);
    }

    // Both consumers see failures while the database is away (on a loaded machine the first
    // receive may come late: the outage then lasts until it has, at most 15 s longer).
    const failedDuringOutage = () =>
      platform.pollers.clicks.counters.failed > failedBefore.clicks && platform.pollers.conversions.counters.failed > failedBefore.conversions;
    while (!failedDuringOutage() && performance.now() - cutAt < (outageSeconds + 15) * 1000) await sleep(100);
    expect(failedDuringOutage()).toBe(true);
    const remaining = outageSeconds * 1000 - (performance.now() - cutAt);
    if (remaining > 0) await sleep(remaining);
    const outageMs = performance.now() - cutAt;
    const acceptedBeforeRestore = proxy.accepted;
    await proxy.restore();
    const restoredAt = performance.now();

    // Two recovery times: until every effect is in PostgreSQL, and until every queue is empty.
    let allRecordedSeconds: number | undefined;
    let draining = true;
    const watchRows = (async () => {
      while (draining) {
        const [clickRows, conversionRows] = await Promise.all([
          db.sql.query<{ n: number }>(`SELECT count(*)::integer AS n FROM clicks WHERE click_uuid = ANY(:ids::uuid[])`, { ids: clickIds }),
          db.sql.query<{ n: number }>(`SELECT count(*)::integer AS n FROM conversion_events WHERE receipt_id = ANY(:ids::uuid[])`, { ids: receipts }),
        ]);
        if (clickRows.rows[0]!.n >= clickIds.length && conversionRows.rows[0]!.n >= receipts.length) {
          allRecordedSeconds = (performance.now() - restoredAt) / 1000;
          return;
        }
        await sleep(200);
      }
    })();
    await platform.drain(60_000);
    const recoverSeconds = (performance.now() - restoredAt) / 1000;
    draining = false;
    await watchRows;

    // The pool opened new connections through the restored proxy and the API answers again.
    expect(proxy.accepted).toBeGreaterThan(acceptedBeforeRestore);
    expect((await call('GET', '/v1/conversions', { token: setup.vendorKey })).status).toBe(200);

    const deadLettered = { clicks: new Set<string>(), conversions: new Set<string>() };
    // A message's receives span at least (maxReceives - 1) x delay from its first failure, which
    // came after the cut: an outage shorter than that (as measured, it may have run long on a
    // loaded machine) cannot have dead-lettered anything.
    const deadLettersPossible = outageMs >= (maxReceives - 1) * retryDelaySeconds * 1000;
    if (!deadLettersPossible) {
      for (const name of ['clicks', 'conversions', 'notifications'] as const) {
        expect({ name, deadLettered: platform.pollers[name].counters.deadLettered }).toEqual({ name, deadLettered: 0 });
        expect({ name, dlq: (await queueDepth(platform.deps.sqs, platform.queues[name].deadLetterUrl)).total }).toEqual({ name, dlq: 0 });
      }
    } else {
      // A long outage: what was dead-lettered carries its reason, and is not in PostgreSQL as well.
      for (const name of ['clicks', 'conversions'] as const) {
        for (const message of await takeAll(platform.deps.sqs, platform.queues[name].deadLetterUrl)) {
          expect(message.MessageAttributes?.[deadLetterReasonAttribute]?.StringValue).toBeTruthy();
          const body = JSON.parse(message.Body!) as { click_id?: string; receipt_id?: string };
          deadLettered[name].add(name === 'clicks' ? body.click_id! : body.receipt_id!);
        }
      }
      // A dead-lettered click may still be in PostgreSQL: its conversion wrote it from the hot store.
      const recorded = await conversionFacts(db.sql, [...deadLettered.conversions]);
      expect(recorded.size).toBe(0);
    }
    await expectClicksExactlyOnce(db.sql, clickIds.filter((id) => !deadLettered.clicks.has(id)));
    const counts = await clickRowCounts(db.sql, [...deadLettered.clicks]);
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
    await expectConversionsExactlyOnce(db.sql, receipts.filter((receipt) => !deadLettered.conversions.has(receipt)));
    await expectTotalsMatchRows(db.sql, [setup.campaignVersionId]);
    await expectBalanced(db.sql);
    // The refused report was not accepted: nothing of it anywhere.
    const refusedRows = await db.sql.query(`SELECT 1 FROM conversion_events WHERE transaction_id = 'refused' UNION ALL SELECT 1 FROM unattributed_conversions WHERE transaction_id = 'refused'`);
    expect(refusedRows.rows).toEqual([]);

    const counters = { clicks: { ...platform.pollers.clicks.counters }, conversions: { ...platform.pollers.conversions.counters } };
    reportFigures(
      `[figures] faults/database-outage: ${clickIds.length} clicks + ${receipts.length} conversions, outage ${(outageMs / 1000).toFixed(1)} s ` +
        `(${proxy.destroyed} live connections cut, retry delay ${retryDelaySeconds} s), failed receives retried: clicks ${counters.clicks.failed}, ` +
        `conversions ${counters.conversions.failed}, dead-lettered ${deadLettered.clicks.size} clicks + ${deadLettered.conversions.size} conversions, ` +
        `every effect in PostgreSQL ${allRecordedSeconds === undefined ? 'n/a' : `${allRecordedSeconds.toFixed(1)} s`} and queues empty ${recoverSeconds.toFixed(1)} s after the restore`,
    );
  });
});
