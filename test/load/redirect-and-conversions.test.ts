/**
 * Load: the redirect and the conversion API on the whole local platform (HTTP gateway, Lambdas,
 * dynalite, local-aws-sqs, queue pollers, ingest-clicks and attribute-conversions, PostgreSQL)
 * for LOAD_SECONDS (default 60) with LOAD_CONCURRENCY closed-loop clients (default 8), on
 * loopback only. Then the queues are drained and every click the redirect counted and every
 * conversion the API accepted must be in PostgreSQL exactly once, the totals must agree with the
 * rows and the books must balance. Any 5xx or network error during the load fails the test.
 *
 * Database: PGlite (in the platform's temporary data directory) by default, as `npm test` runs;
 * with TEST_DATABASE_URL a fresh database on that PostgreSQL server, dropped afterwards.
 *
 *   npx vitest run test/load/redirect-and-conversions.test.ts
 *   LOAD_SECONDS=600 LOAD_CONCURRENCY=16 npx vitest run test/load/redirect-and-conversions.test.ts
 *   TEST_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres npx vitest run test/load
 *
 * Also LOAD_PARTNERS (default 3, each enrolled in both campaigns) and LOAD_DRAIN_SECONDS (the
 * bound on draining the backlog after the load; default max(30, LOAD_SECONDS)).
 *
 * The consumers share this process's event loop with the gateway, the stand-ins and the load
 * itself, so under load every await of theirs waits its turn: most conversions are attributed in
 * the drain after the load, not during it (on AWS each function has its own CPU).
 *
 * One `[figures]` line is printed for the README. No timing is asserted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueName } from '../../lib/resources.js';
import type { LocalLog } from '../../lib/local/local-log.js';
import { startLocalPlatform, type LocalPlatform } from '../../lib/local/start-local-platform.js';
import { createTestDatabase, type TestDatabase } from '../support/database/test-database.js';
import { expectBalanced } from '../support/books/reconcile.js';
import { percentile } from '../support/load/closed-loop.js';
import { runTraffic, type LoadLink, type RequestKind } from '../support/load/traffic.js';
import { verifyLoad, type VerifiedRows } from '../support/load/verify-load.js';
import { reportFigures } from '../support/report-figures.js';

const loadSeconds = Number(process.env.LOAD_SECONDS ?? 60);
const concurrency = Number(process.env.LOAD_CONCURRENCY ?? 8);
/** The backlog left when the load stops is drained within this bound, or the test fails. */
const drainBoundMs = Number(process.env.LOAD_DRAIN_SECONDS ?? Math.max(30, loadSeconds)) * 1000;
/** Partners, each enrolled in both campaigns with one link: few partners make hot enrollment rows. */
const partnerCount = Number(process.env.LOAD_PARTNERS ?? 3);
const requestTimeoutMs = 15_000;
const commissionPercent = '10.00';
const commissionBasisPoints = 1_000n;

/** Warnings and errors of the local runner (consumer failures, undrained queues), kept for the report. */
function collectingLog(): LocalLog & { lines: string[] } {
  const lines: string[] = [];
  const keep = (line: string) => {
    if (lines.length < 20) lines.push(line);
  };
  return {
    lines,
    info: () => {},
    warn: (message) => keep(`warn: ${message}`),
    error: (message, error) => keep(`error: ${message} ${error instanceof Error ? error.message : String(error ?? '')}`),
  };
}

interface Setup {
  vendorId: number;
  vendorKey: string;
  links: LoadLink[];
}

async function call(platform: LocalPlatform, method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${platform.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers are checked field by field.
  const json = (await response.json()) as any;
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * Through the API, as a vendor would: one vendor, two campaigns (last click and linear, both
 * 10 %), LOAD_PARTNERS partners (default 3) enrolled in both with one link each (written through to DynamoDB).
 */
async function setUp(platform: LocalPlatform, tag: string): Promise<Setup> {
  const admin = platform.adminToken;
  const vendor = await call(platform, 'POST', '/v1/admin/vendors', admin, {
    name: `Load ${tag}`,
    email: `load-vendor-${tag}@example.com`,
    website_url: 'https://shop.example.com',
  });
  const partners = [];
  for (let i = 0; i < partnerCount; i += 1) {
    partners.push(await call(platform, 'POST', '/v1/admin/partners', admin, { name: `Load partner ${i}`, email: `load-partner-${tag}-${i}@example.com` }));
  }
  const links: LoadLink[] = [];
  for (const model of ['last_click', 'linear'] as const) {
    const campaign = await call(platform, 'POST', '/v1/campaigns', vendor.api_key, {
      name: `Load ${model}`,
      destination_url: `https://shop.example.com/${model}`,
      default_commission_type: 'percentage',
      default_commission_value: commissionPercent,
      attribution_model: model,
    });
    for (const partner of partners) {
      const enrollment = await call(platform, 'POST', `/v1/campaigns/${campaign.campaign_id}/partners`, vendor.api_key, { partner_id: partner.partner_id });
      const link = await call(platform, 'POST', '/v1/partner/links', partner.api_key, { campaign_id: campaign.campaign_id });
      expect(link.hot_store).toBe('synced');
      links.push({ shortCode: link.short_code, campaignPartnerId: enrollment.campaign_partner_id, partnerLinkId: link.partner_link_id });
    }
  }
  return { vendorId: vendor.vendor_id, vendorKey: vendor.api_key, links };
}

/**
 * The handlers log one JSON line per batch or notification; thousands of them would bury the
 * figures. They are counted by level instead, and the first errors kept for a failure report.
 */
function captureHandlerLogs() {
  const original = { log: console.log, warn: console.warn, error: console.error };
  const counts = { info: 0, warn: 0, error: 0 };
  const errors: string[] = [];
  const capture = (fallback: 'info' | 'warn' | 'error') => (...args: unknown[]) => {
    const line = args.map(String).join(' ');
    const level = /"level":"(info|warn|error)"/.exec(line)?.[1] as keyof typeof counts | undefined;
    counts[level ?? fallback] += 1;
    if ((level ?? fallback) === 'error' && errors.length < 10) errors.push(line.slice(0, 300));
  };
  console.log = capture('info');
  console.warn = capture('warn');
  console.error = capture('error');
  return {
    counts,
    errors,
    restore() {
      Object.assign(console, original);
    },
  };
}

async function deadLetters(platform: LocalPlatform): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [name, queue] of Object.entries(platform.queues) as [QueueName, (typeof platform.queues)[QueueName]][]) {
    const received = await platform.deps.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.deadLetterUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    counts[name] = received.Messages?.length ?? 0;
  }
  return counts;
}

describe(`load: redirect and conversion API for ${loadSeconds} s at concurrency ${concurrency}`, () => {
  let platform: LocalPlatform;
  let dataDir: string;
  let database: TestDatabase | undefined;
  const log = collectingLog();
  let startupMs = 0;

  beforeAll(async () => {
    const started = performance.now();
    dataDir = await mkdtemp(join(tmpdir(), 'load-'));
    if (process.env.TEST_DATABASE_URL) {
      // A fresh database on the server; the platform applies the migrations itself.
      database = await createTestDatabase({ engine: 'postgres', migrate: false });
    }
    platform = await startLocalPlatform({
      port: 0,
      dataDir,
      ...(database?.url ? { databaseUrl: database.url } : {}),
      tickerEnabled: false,
      log,
      retryDelaySeconds: 0,
    });
    startupMs = performance.now() - started;
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await database?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('loses and doubles nothing: every counted click and accepted conversion is in PostgreSQL once, and the books balance', async () => {
    const tag = `${Date.now().toString(36)}${process.pid.toString(36)}`;
    const setup = await setUp(platform, tag);
    const handlerLogs = captureHandlerLogs();
    const received = () => Object.values(platform.pollers).reduce((sum, poller) => sum + poller.counters.received, 0);
    const perQueue = () => Object.fromEntries(Object.entries(platform.pollers).map(([name, poller]) => [name, poller.counters.received]));

    // Everything runs in this one process (on AWS each function has its own): the event loop's
    // delay during the load says how long every await of the consumers waited for its turn.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    const load = async () => {
      loopDelay.enable();
      const result = await runTraffic({
        baseUrl: platform.url,
        vendorKey: setup.vendorKey,
        links: setup.links,
        durationMs: loadSeconds * 1000,
        concurrency,
        requestTimeoutMs,
        runTag: tag,
        originVerifySecret: platform.originVerifySecret,
      });
      loopDelay.disable();
      const drainStarted = performance.now();
      const receivedAtLoadEnd = received();
      const queuedAtLoadEnd = perQueue();
      await platform.drain(drainBoundMs);
      const settled = (await Promise.all(Object.values(platform.pollers).map((poller) => poller.drain(2_000)))).every(Boolean);
      return { result, settled, drainMs: performance.now() - drainStarted, drainedMessages: received() - receivedAtLoadEnd, queuedAtLoadEnd };
    };
    const { result: traffic, settled: drained, drainMs, drainedMessages, queuedAtLoadEnd } = await load().finally(() => handlerLogs.restore());

    const errors = {
      serverErrors: traffic.serverErrors,
      networkErrors: traffic.networkErrors,
      problems: traffic.problemCount,
    };
    const figures = (rows?: VerifiedRows) => {
      const seconds = traffic.wallMs / 1000;
      const per = (kind: RequestKind) =>
        `${kind} ${traffic.sent[kind]} sent ${(traffic.sent[kind] / seconds).toFixed(1)} req/s p50 ${percentile(traffic.latency[kind].samples, 50).toFixed(0)} ms p99 ${percentile(traffic.latency[kind].samples, 99).toFixed(0)} ms`;
      return (
        `[figures] load ${loadSeconds} s x${concurrency} on ${database ? 'PostgreSQL' : 'PGlite'}: wall ${seconds.toFixed(1)} s (startup ${(startupMs / 1000).toFixed(1)} s); ` +
        `${per('redirect')} (new ${traffic.byVisit.new}, returning ${traffic.byVisit.returning}, repeat ${traffic.byVisit.repeat}, bot ${traffic.byVisit.bot}, head ${traffic.byVisit.head}); ` +
        `${per('conversion')} (by click ${traffic.byConversion.by_click}, by cookie ${traffic.byConversion.by_cookie}, resubmitted ${traffic.byConversion.duplicate}); ` +
        `clicks accepted ${traffic.clicks.size} filtered ${traffic.filteredClicks}; conversions accepted ${traffic.conversions.size}; ` +
        `event-loop delay during load p50 ${(loopDelay.percentile(50) / 1e6).toFixed(0)} ms p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms; ` +
        `5xx ${errors.serverErrors.redirect + errors.serverErrors.conversion}, network errors ${errors.networkErrors.redirect + errors.networkErrors.conversion}; ` +
        `drain ${(drainMs / 1000).toFixed(1)} s for ${drainedMessages} queued messages (${Object.entries(perQueue()).map(([name, n]) => `${name} ${n - (queuedAtLoadEnd[name] ?? 0)}`).join(', ')})${drained ? '' : ' (NOT drained)'}; ` +
        `handler log lines: ${handlerLogs.counts.error} errors, ${handlerLogs.counts.warn} warnings; ` +
        (rows
          ? `rows verified: ${rows.clicks} clicks, ${rows.cookies} cookies, ${rows.conversions} conversions, ${rows.touches} touches (${rows.multiTouchConversions} multi-touch conversions), ${rows.notifications} notifications, ${rows.enrollments} enrollments`
          : 'rows not verified')
      );
    };

    try {
      expect({ ...errors, examples: traffic.problems }, 'answers during the load').toEqual({
        serverErrors: { redirect: 0, conversion: 0 },
        networkErrors: { redirect: 0, conversion: 0 },
        problems: 0,
        examples: [],
      });
      expect(traffic.clicks.size, 'some clicks were counted').toBeGreaterThan(0);
      expect(traffic.conversions.size, 'some conversions were accepted').toBeGreaterThan(0);
      expect(drained, `queues drained within ${drainBoundMs / 1000} s`).toBe(true);
      expect(await deadLetters(platform), 'dead-letter queues').toEqual({ clicks: 0, conversions: 0, notifications: 0 });

      const rows = await verifyLoad({ sql: platform.deps.sql, vendorId: setup.vendorId, links: setup.links, traffic, commissionBasisPoints });
      await expectBalanced(platform.deps.sql);
      const reconciliation = await call(platform, 'GET', '/v1/admin/reconciliation', platform.adminToken);
      expect(reconciliation).toMatchObject({ balanced: true, violations: [] });
      reportFigures(figures(rows));
    } catch (error) {
      reportFigures(figures());
      if (log.lines.length > 0) console.log(`[load] local runner said:\n${log.lines.join('\n')}`);
      if (handlerLogs.errors.length > 0) console.log(`[load] handlers logged errors:\n${handlerLogs.errors.join('\n')}`);
      throw error;
    }
  }, loadSeconds * 1000 + requestTimeoutMs + drainBoundMs + 120_000);
});
