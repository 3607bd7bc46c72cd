/**
 * The AWS cost of one million clicks and of ten thousand conversions on the deployed design, from
 * counts measured in a local run and the dated list prices of bench/aws-prices.ts.
 *
 * What is measured (the real handlers on the local platform: gateway, dynalite, local-aws-sqs,
 * PGlite), per phase, attributed to the function that made each call:
 * - Lambda invocations per function and their duration;
 * - DynamoDB request units, as the engine reports them (`ReturnConsumedCapacity: INDEXES`: the
 *   click table's GSI writes included);
 * - SQS requests the functions send; the event source mapping's receive + delete per batch;
 * - SQL statements and transactions (each one Data API call on AWS: ExecuteStatement, and
 *   BeginTransaction + CommitTransaction around a transaction) and the time spent in them.
 *
 * What is modelled, and written down here: a Lambda's AWS duration is its measured duration with
 * the local engines' time replaced by a fixed latency per call (`--data-api-ms`, default 15: a Data
 * API statement; 4 ms a DynamoDB call; 8 ms an SQS call), rounded up to the millisecond; Aurora's
 * busy time is the measured SQL time at 1 ACU; API Gateway and CloudFront count one request per
 * HTTP request (short links go through CloudFront, the vendor's API calls through API Gateway only).
 *
 *   npx tsx bench/cost-model.ts [--clicks=2000] [--conversions=200] [--data-api-ms=15]
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { functions, type FunctionName } from '../lib/resources.js';
import type { LocalCreateHandler } from '../lib/local/load-functions.js';
import { silentLog } from '../lib/local/local-log.js';
import { startLocalPlatform } from '../lib/local/start-local-platform.js';
import type { PlatformDeps } from '../functions/platform/composition-root.js';
import type { SqlExecutor } from '../functions/ports/sql-executor.js';
import { awsPrices, awsPricesAsOf, hostedPlatformPrices } from './aws-prices.js';
import { runLoad, visitorHeaders } from './redirect-load-generator.js';

function arg(name: string, fallback: number): number {
  const found = process.argv.find((value) => value.startsWith(`--${name}=`));
  return found ? Number(found.split('=')[1]) : fallback;
}

const modelledLatencyMs = { dataApi: arg('data-api-ms', 15), dynamodb: 4, sqs: 8 };

interface FunctionCounts {
  invocations: number;
  wallMs: number;
  sqlStatements: number;
  sqlTransactions: number;
  sqlMs: number;
  dynamodbCalls: number;
  dynamodbMs: number;
  readUnits: number;
  writeUnits: number;
  sqsRequests: number;
  sqsMs: number;
}

const emptyCounts = (): FunctionCounts => ({
  invocations: 0, wallMs: 0, sqlStatements: 0, sqlTransactions: 0, sqlMs: 0, dynamodbCalls: 0, dynamodbMs: 0,
  readUnits: 0, writeUnits: 0, sqsRequests: 0, sqsMs: 0,
});

let counts = new Map<FunctionName, FunctionCounts>();
const countsOf = (name: FunctionName) => counts.get(name) ?? (counts.set(name, emptyCounts()), counts.get(name)!);
/** The function on whose behalf the current async chain runs. */
const running = new AsyncLocalStorage<FunctionName>();

function countingSql(name: FunctionName, inner: SqlExecutor): SqlExecutor {
  return {
    async query(sql, params) {
      const started = performance.now();
      try {
        return await inner.query(sql, params);
      } finally {
        const c = countsOf(name);
        c.sqlStatements += 1;
        c.sqlMs += performance.now() - started;
      }
    },
    async transaction(work) {
      countsOf(name).sqlTransactions += 1;
      return inner.transaction((tx) => work(countingSql(name, tx)));
    },
  };
}

const instrumentedClients = new WeakSet<object>();

/** Counts every DynamoDB command and the request units the engine says it consumed. */
function instrumentDynamoDb(client: DynamoDBClient): void {
  if (instrumentedClients.has(client)) return;
  instrumentedClients.add(client);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = running.getStore();
      const input = args.input as Record<string, unknown>;
      if (!/Describe|List|CreateTable|UpdateTimeToLive/.test(context.commandName ?? '')) input.ReturnConsumedCapacity = 'INDEXES';
      const started = performance.now();
      const result = await next(args);
      if (name) {
        const c = countsOf(name);
        c.dynamodbCalls += 1;
        c.dynamodbMs += performance.now() - started;
        const output = result.output as { ConsumedCapacity?: { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number } | Array<{ CapacityUnits?: number }> };
        const consumed = [output.ConsumedCapacity ?? []].flat();
        const units = consumed.reduce((sum, item) => sum + (item?.CapacityUnits ?? 0), 0);
        if (/Put|Update|Delete|Write/.test(context.commandName ?? '')) c.writeUnits += units;
        else c.readUnits += units;
      }
      return result;
    },
    { step: 'initialize', name: 'costModelDynamoDb' },
  );
}

function instrumentSqs(client: SQSClient): void {
  if (instrumentedClients.has(client)) return;
  instrumentedClients.add(client);
  client.middlewareStack.add(
    (next) => async (args) => {
      const name = running.getStore();
      const started = performance.now();
      const result = await next(args);
      if (name) {
        const c = countsOf(name);
        // Each 64 KB chunk of a request is billed as one request; a batch of ten small clicks is one.
        const bytes = Buffer.byteLength(JSON.stringify(args.input ?? {}));
        c.sqsRequests += Math.max(1, Math.ceil(bytes / 65_536));
        c.sqsMs += performance.now() - started;
      }
      return result;
    },
    { step: 'initialize', name: 'costModelSqs' },
  );
}

/** The real createHandler of every function, wrapped so its invocations and calls are counted. */
async function instrumentedOverrides(): Promise<Partial<Record<FunctionName, LocalCreateHandler>>> {
  const overrides: Partial<Record<FunctionName, LocalCreateHandler>> = {};
  for (const [name, declaration] of Object.entries(functions) as Array<[FunctionName, (typeof functions)[FunctionName]]>) {
    const module = (await import(pathToFileURL(resolve(declaration.entry)).href)) as { createHandler: LocalCreateHandler };
    overrides[name] = (deps: PlatformDeps) => {
      instrumentDynamoDb(deps.dynamodb);
      instrumentSqs(deps.sqs);
      let sql: SqlExecutor | undefined;
      const own = Object.defineProperties({}, {
        ...Object.getOwnPropertyDescriptors(deps),
        sql: { get: () => (sql ??= countingSql(name, deps.sql)), enumerable: true },
      }) as PlatformDeps;
      const handler = module.createHandler(own);
      return (async (event: unknown, context?: unknown) => {
        const started = performance.now();
        try {
          return await running.run(name, () => handler(event as never, context as never));
        } finally {
          const c = countsOf(name);
          c.invocations += 1;
          c.wallMs += performance.now() - started;
        }
      }) as ReturnType<LocalCreateHandler>;
    };
  }
  return overrides;
}

interface PhaseCost {
  lines: Array<{ item: string; quantity: number; unit: string; usd: number }>;
  total: number;
}

/** Scales one phase's counts to `scale` times the work and prices it. */
function price(phase: Map<FunctionName, FunctionCounts>, scale: number, http: { cloudFront: number; apiGateway: number }): PhaseCost {
  const lines: PhaseCost['lines'] = [];
  let dataApiCalls = 0;
  let sqlHours = 0;
  let sqsRequests = 0;
  let readUnits = 0;
  let writeUnits = 0;
  for (const [name, c] of phase) {
    if (c.invocations === 0) continue;
    const localEngines = c.sqlMs + c.dynamodbMs + c.sqsMs;
    const calls = c.sqlStatements + 2 * c.sqlTransactions;
    const modelledMs = Math.max(1, c.wallMs - localEngines) + calls * modelledLatencyMs.dataApi + c.dynamodbCalls * modelledLatencyMs.dynamodb + c.sqsRequests * modelledLatencyMs.sqs;
    const perInvocationMs = Math.ceil(modelledMs / c.invocations);
    const invocations = c.invocations * scale;
    const gbSeconds = (invocations * perInvocationMs * functions[name].memoryMb) / 1024 / 1000;
    lines.push({
      item: `Lambda ${name} (${functions[name].memoryMb} MB, ~${perInvocationMs} ms each)`,
      quantity: invocations,
      unit: 'invocations',
      usd: (invocations / 1e6) * awsPrices.lambda.perMillionRequests + gbSeconds * awsPrices.lambda.perGbSecond,
    });
    dataApiCalls += calls * scale;
    sqlHours += (c.sqlMs * scale) / 3_600_000;
    sqsRequests += c.sqsRequests * scale;
    readUnits += c.readUnits * scale;
    writeUnits += c.writeUnits * scale;
    // The event source mapping receives each batch and deletes what succeeded: two requests a batch.
    if (name === 'ingestClicks' || name === 'attributeConversions' || name === 'notifyVendors') sqsRequests += 2 * invocations;
  }
  if (http.cloudFront > 0) {
    const requests = http.cloudFront * scale;
    lines.push({ item: 'CloudFront HTTPS requests (+ ~0.6 KB out each)', quantity: requests, unit: 'requests', usd: (requests / 1e4) * awsPrices.cloudFront.perTenThousandHttpsRequests + ((requests * 600) / 1e9) * awsPrices.cloudFront.perGbOut });
  }
  const apiRequests = (http.apiGateway + http.cloudFront) * scale;
  lines.push({ item: 'API Gateway HTTP API requests', quantity: apiRequests, unit: 'requests', usd: (apiRequests / 1e6) * awsPrices.apiGatewayHttp.perMillionRequests });
  lines.push({ item: 'DynamoDB write request units', quantity: writeUnits, unit: 'WRU', usd: (writeUnits / 1e6) * awsPrices.dynamoDb.perMillionWriteRequestUnits });
  lines.push({ item: 'DynamoDB read request units', quantity: readUnits, unit: 'RRU', usd: (readUnits / 1e6) * awsPrices.dynamoDb.perMillionReadRequestUnits });
  lines.push({ item: 'SQS requests (sends, receives, deletes)', quantity: sqsRequests, unit: 'requests', usd: (sqsRequests / 1e6) * awsPrices.sqs.perMillionRequests });
  lines.push({ item: 'RDS Data API calls', quantity: dataApiCalls, unit: 'calls', usd: (dataApiCalls / 1e6) * awsPrices.rdsDataApi.perMillionRequests });
  lines.push({ item: 'Aurora Serverless v2 busy time at 1 ACU', quantity: sqlHours, unit: 'ACU-hours', usd: sqlHours * awsPrices.auroraServerlessV2.perAcuHour });
  return { lines, total: lines.reduce((sum, line) => sum + line.usd, 0) };
}

function formatPhase(title: string, cost: PhaseCost): string {
  const rows = cost.lines.map((l) => `| ${l.item} | ${Math.round(l.quantity * 100) / 100} ${l.unit} | $${l.usd.toFixed(3)} |`);
  return [`\n### ${title}: $${cost.total.toFixed(2)}`, '', '| Resource | Quantity | USD |', '| --- | --- | --- |', ...rows].join('\n');
}

async function json<T>(url: string, init: { method?: string; token?: string; body?: unknown }): Promise<T> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

const clickCount = arg('clicks', 2000);
const conversionCount = arg('conversions', 200);
const dataDir = await mkdtemp(join(tmpdir(), 'cost-model-'));
const platform = await startLocalPlatform({ port: 0, dataDir, tickerEnabled: false, log: silentLog, functionOverrides: await instrumentedOverrides() });
try {
  const base = platform.url;
  const admin = platform.adminToken;
  const vendor = await json<{ api_key: string }>(`${base}/v1/admin/vendors`, { method: 'POST', token: admin, body: { name: 'Cost model shop', email: 'owner@cost-model.example', website_url: 'https://shop.example.com', owner_name: 'Owner' } });
  const campaign = await json<{ campaign_id: number }>(`${base}/v1/campaigns`, {
    method: 'POST', token: vendor.api_key,
    body: { name: 'Cost model', destination_url: 'https://shop.example.com/p', default_commission_type: 'percentage', default_commission_value: '10.00', attribution_model: 'last_click', cookie_duration_days: 30, is_public: false },
  });
  const partner = await json<{ partner_id: number; api_key: string }>(`${base}/v1/admin/partners`, { method: 'POST', token: admin, body: { name: 'Cost partner', email: 'partner@cost-model.example' } });
  await json(`${base}/v1/campaigns/${campaign.campaign_id}/partners`, { method: 'POST', token: vendor.api_key, body: { partner_id: partner.partner_id } });
  const link = await json<{ short_code: string }>(`${base}/v1/partner/links`, { method: 'POST', token: partner.api_key, body: { campaign_id: campaign.campaign_id } });

  // Clicks for the conversions phase, made before the counters start.
  const clickIds: string[] = [];
  for (let i = 0; i < conversionCount; i++) {
    const response = await fetch(`${base}/${link.short_code}`, { redirect: 'manual', headers: visitorHeaders(2_000_000 + i, platform.originVerifySecret) });
    const location = response.headers.get('location');
    const clickId = location ? new URL(location).searchParams.get('aff_click_id') : null;
    if (!clickId) throw new Error(`redirect ${response.status} gave no click id`);
    clickIds.push(clickId);
  }
  await platform.drain(300_000);

  // Phase 1: clicks, every one a new visitor (a counted click: the most expensive redirect path).
  counts = new Map();
  const load = await runLoad({
    url: `${base}/${link.short_code}`,
    concurrency: 8,
    durationMs: 600_000,
    warmupMs: 0,
    maxRequests: clickCount,
    headers: (index) => visitorHeaders(index + 1_000, platform.originVerifySecret),
  });
  await platform.drain(300_000);
  const clickPhase = counts;
  const clicksStored = (await platform.deps.sql.query<{ n: number }>(`SELECT count(*)::integer AS n FROM clicks`)).rows[0]!.n - conversionCount;

  // Phase 2: conversions through the vendor API, each on one of the earlier clicks.
  counts = new Map();
  for (const [i, clickId] of clickIds.entries()) {
    await json(`${base}/v1/conversions`, {
      method: 'POST', token: vendor.api_key,
      body: { event_type: 'sale', transaction_id: `cost-${i}`, event_value: '80.00', currency: 'USD', occurred_at: new Date().toISOString(), click_id: clickId },
    });
  }
  await platform.drain(300_000);
  const conversionPhase = counts;
  const attributed = (await platform.deps.sql.query<{ n: number }>(`SELECT count(*)::integer AS n FROM conversion_events`)).rows[0]!.n;

  const clickCost = price(clickPhase, 1_000_000 / load.requests, { cloudFront: load.requests, apiGateway: 0 });
  const conversionCost = price(conversionPhase, 10_000 / conversionCount, { cloudFront: 0, apiGateway: conversionCount });
  const floor = 0.5 * 730 * awsPrices.auroraServerlessV2.perAcuHour;

  console.log(`# Cost model (prices ${awsPrices.region}, as of ${awsPricesAsOf}; counts from a local run: ${load.requests} clicks -> ${clicksStored} stored, ${conversionCount} conversions -> ${attributed} recorded; Data API call modelled at ${modelledLatencyMs.dataApi} ms)`);
  console.log(formatPhase('One million clicks', clickCost));
  console.log(formatPhase('Ten thousand conversions', conversionCost));
  console.log(`\nAurora floor at steady traffic (it never auto-pauses, minimum 0.5 ACU all month): $${floor.toFixed(2)} a month.`);
  console.log(`\n1M clicks + 10k conversions a month: $${(clickCost.total + conversionCost.total).toFixed(2)} usage + $${floor.toFixed(2)} Aurora floor = $${(clickCost.total + conversionCost.total + floor).toFixed(2)} a month.`);
  console.log('\nHosted platforms (subscription, same month):');
  for (const hosted of hostedPlatformPrices) console.log(`- ${hosted.name}: ${hosted.usdPerMonth === null ? 'custom' : `$${hosted.usdPerMonth}`} a month (${hosted.limit}); ${hosted.source}`);
} finally {
  await platform.stop();
  await rm(dataDir, { recursive: true, force: true });
}
