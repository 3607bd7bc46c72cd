// Over 300 lines: the click pipeline end to end (redirect, queue, ingestion, exact rows), in process and through the local platform, over the same traffic plan.
/**
 * The click pipeline end to end: new visitors, returning cookies, repeats, bots and HEAD requests
 * fired at the redirect; Aurora must end with exactly the expected clicks, cookies, journeys and
 * enrollment totals, and again after every message has been delivered a second time.
 *
 * - 10,000 requests through the redirect handler in process, the hot store in memory (same
 *   semantics as the DynamoDB adapter) and ingest-clicks on the test database, in SQS-sized batches,
 *   shuffled, then every message again. This is the volume test.
 * - 600 requests (PLATFORM_CLICKS=10000 for the full run) through the whole local platform (HTTP gateway, redirect Lambda, dynalite,
 *   local-aws-sqs, the queue poller, ingest-clicks, PGlite), then every message re-sent to the
 *   queue. The stand-ins cost several milliseconds of CPU per call on this machine (about 80
 *   SDK calls/s), so 10,000 requests through them would take many minutes (see bench/README.md).
 */
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbLinkStore } from '../../functions/adapters/aws/dynamodb-link-store.js';
import type { LinkItem } from '../../functions/ports/link-store.js';
import type { SqlExecutor } from '../../functions/ports/sql-executor.js';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createIngestClicks } from '../../functions/handlers/ingest-clicks.js';
import { createRedirect } from '../../functions/handlers/redirect.js';
import type { ClickMessage } from '../../functions/domain/clicks/click-message.js';
import { createInMemoryClickQueue, createInMemoryClickStore, createInMemoryLinkStore } from '../../bench/redirect-in-memory-adapters.js';
import { createTestDatabase, type TestDatabase } from '../support/database/test-database.js';
import { silentLog } from '../../lib/local/local-log.js';
import { startLocalPlatform, type LocalPlatform } from '../../lib/local/start-local-platform.js';
import { sqsEvent } from '../support/messages/clicks.js';
import { seedLinks } from '../support/fixtures/seed-links.js';

const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0',
];
const BOTS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  'WhatsApp/2.23.20.0 A',
  'curl/8.4.0',
];

interface Visit {
  kind: 'click' | 'repeat' | 'bot' | 'head';
  visitor: number;
  link: number;
}

interface Visitor {
  ip: string;
  ua: string;
  cookie?: string;
}

/** A deterministic pseudo-random sequence, so a failure replays identically. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const LINKS = 6;

interface Plan {
  total: number;
  visitors: number;
  perVisitor: Map<number, Visit[]>;
}

/** The plan: per visitor, its visits in order. Counted clicks are first visits of (visitor, link). */
function plan(total: number): Plan {
  const next = random(42);
  const visitors = Math.round(total * 0.2);
  const counted = Math.round(total * 0.7);
  const perVisitor = new Map<number, Visit[]>();
  const seen = new Set<string>();
  const add = (visit: Visit) => {
    const list = perVisitor.get(visit.visitor) ?? [];
    list.push(visit);
    perVisitor.set(visit.visitor, list);
  };
  let clicks = 0;
  // 70 % counted clicks: every visitor clicks once (new cookie), many come back on other links (returning cookie).
  for (let v = 0; v < visitors; v += 1) {
    const link = Math.floor(next() * LINKS);
    seen.add(`${v}:${link}`);
    add({ kind: 'click', visitor: v, link });
    clicks += 1;
  }
  while (clicks < counted) {
    const v = Math.floor(next() * visitors);
    const link = Math.floor(next() * LINKS);
    if (seen.has(`${v}:${link}`)) continue;
    seen.add(`${v}:${link}`);
    add({ kind: 'click', visitor: v, link });
    clicks += 1;
  }
  // 10 % repeats (a visitor's earlier link again), 15 % bots, 5 % HEAD requests.
  const pairs = [...seen];
  for (let i = 0; i < total * 0.1; i += 1) {
    const [v, link] = pairs[Math.floor(next() * pairs.length)]!.split(':').map(Number) as [number, number];
    add({ kind: 'repeat', visitor: v, link });
  }
  for (let i = 0; i < total * 0.15; i += 1) add({ kind: 'bot', visitor: Math.floor(next() * visitors), link: Math.floor(next() * LINKS) });
  for (let i = 0; i < total * 0.05; i += 1) add({ kind: 'head', visitor: Math.floor(next() * visitors), link: Math.floor(next() * LINKS) });
  return { total, visitors, perVisitor };
}

interface Answer {
  status: number;
  location?: string;
  setCookie?: string[];
}

type Fire = (request: { method: string; shortCode: string; headers: Record<string, string>; ip: string }) => Promise<Answer>;

/** Over HTTP, playing CloudFront: the origin-verify secret makes the gateway's redirect believe the viewer headers. */
function httpFire(baseUrl: string, agent: http.Agent, originVerifySecret: string): Fire {
  return ({ method, shortCode, headers }) =>
    new Promise<Answer>((resolve, reject) => {
      const request = http.request(`${baseUrl}/${shortCode}`, { agent, method, headers: { ...headers, 'x-origin-verify': originVerifySecret } }, (response) => {
        response.resume();
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, location: response.headers.location, setCookie: response.headers['set-cookie'] }),
        );
      });
      request.on('error', reject);
      request.end();
    });
}

function inProcessFire(redirect: (event: APIGatewayProxyEventV2) => Promise<{ statusCode?: number; headers?: Record<string, unknown>; cookies?: string[] }>): Fire {
  return async ({ method, shortCode, headers, ip }) => {
    const { cookie, ...rest } = headers;
    const event = {
      version: '2.0',
      routeKey: `${method} /{short_code}`,
      rawPath: `/${shortCode}`,
      rawQueryString: '',
      headers: rest,
      ...(cookie ? { cookies: cookie.split('; ') } : {}),
      requestContext: { http: { method, path: `/${shortCode}`, protocol: 'HTTP/1.1', sourceIp: ip, userAgent: rest['user-agent'] ?? '' } },
      pathParameters: { short_code: shortCode },
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    const result = await redirect(event);
    return { status: result.statusCode ?? 0, location: result.headers?.location as string | undefined, setCookie: result.cookies };
  };
}

interface Fired {
  requests: number;
  clicks: Map<string, { visitor: number; link: number; order: number }>;
  problems: string[];
}

/** Fires the plan (visitors in parallel, each visitor's visits in order, carrying its cookie) and checks every answer. */
async function firePlan(current: Plan, links: LinkItem[], fire: Fire, concurrency: number): Promise<Fired> {
  const visitors = new Map<number, Visitor>();
  for (let v = 0; v < current.visitors; v += 1) {
    // A distinct /24 per visitor: the repeat check hashes the truncated IP.
    visitors.set(v, { ip: `10.${v >> 8}.${v & 255}.${1 + (v % 200)}`, ua: BROWSERS[v % BROWSERS.length]! });
  }
  const clicks = new Map<string, { visitor: number; link: number; order: number }>();
  const firstClickOf = new Map<string, string>();
  const problems: string[] = [];
  let requests = 0;
  let order = 0;
  const queue = [...current.perVisitor.entries()];
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const [v, list] = item;
      const visitor = visitors.get(v)!;
      for (const visit of list) {
        const link = links[visit.link]!;
        const headers: Record<string, string> = {
          'user-agent': visit.kind === 'bot' ? BOTS[requests % BOTS.length]! : visitor.ua,
          'cloudfront-viewer-address': `${visitor.ip}:443`,
          'cloudfront-viewer-country': 'NL',
        };
        if (visitor.cookie) headers.cookie = `aff_cid=${visitor.cookie}`;
        requests += 1;
        const response = await fire({ method: visit.kind === 'head' ? 'HEAD' : 'GET', shortCode: link.short_code, headers, ip: visitor.ip });
        if (response.status !== 302 || !response.location) {
          problems.push(`${visit.kind} ${link.short_code}: ${response.status}`);
          continue;
        }
        const clickId = new URL(response.location).searchParams.get('aff_click_id');
        const cookie = /^aff_cid=([^;]+)/.exec(response.setCookie?.[0] ?? '')?.[1];
        if (visit.kind === 'bot' || visit.kind === 'head') {
          if (clickId || cookie) problems.push(`${visit.kind} got a click id or cookie`);
          continue;
        }
        if (!clickId || !cookie) {
          problems.push(`${visit.kind} without click id or cookie`);
          continue;
        }
        if (visitor.cookie && cookie !== visitor.cookie) problems.push('returning visitor got a new cookie');
        visitor.cookie = cookie;
        const pair = `${v}:${visit.link}`;
        if (visit.kind === 'repeat') {
          if (firstClickOf.get(pair) !== clickId) problems.push('repeat did not reuse the first click id');
          continue;
        }
        firstClickOf.set(pair, clickId);
        clicks.set(clickId, { visitor: v, link: visit.link, order: order++ });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { requests, clicks, problems };
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe('click pipeline: 10,000 requests, in process, ingested twice', () => {
  let db: TestDatabase;
  let links: LinkItem[];

  beforeAll(async () => {
    db = await createTestDatabase();
    // Two campaigns (30- and 7-day cookies), three partners each, one link per partner.
    links = [...(await seedLinks(db.sql, { partners: 3, cookieDurationDays: 30 })), ...(await seedLinks(db.sql, { partners: 3, cookieDurationDays: 7 }))];
  });

  afterAll(async () => {
    await db?.close();
  });

  it('ends in exactly the expected rows, also when every message is delivered twice', async () => {
    const current = plan(10_000);
    const queue = createInMemoryClickQueue();
    let clock = Date.parse('2024-06-01T08:00:00.000Z');
    const redirect = createRedirect({
      links: createInMemoryLinkStore(links),
      clicks: createInMemoryClickStore(),
      queue,
      config: { publicBaseUrl: 'https://go.example.com', repeatClickWindowSeconds: 3600 },
      // 7 ms per request: 10,000 requests span 70 s, inside the repeat window, and no two clicks share a millisecond.
      now: () => new Date((clock += 7)),
      log: { error: () => {}, warn: () => {} },
    });
    const fired = await firePlan(current, links, inProcessFire(redirect), 16);
    expect(fired.problems.slice(0, 5)).toEqual([]);
    expect(fired.requests).toBe(10_000);
    expect(fired.clicks.size).toBe(7_000);
    expect(queue.messages).toHaveLength(7_000);

    const ingest = createIngestClicks({ sql: db.sql });
    const next = random(7);
    const deliver = async (messages: readonly ClickMessage[]) => {
      for (let i = 0; i < messages.length; i += 100) {
        const result = await ingest(sqsEvent(messages.slice(i, i + 100)));
        expect(result.batchItemFailures).toEqual([]);
      }
    };
    // Out of order, then every message again (shuffled, so duplicates also share batches with originals' neighbours).
    await deliver(shuffled(queue.messages, next));
    const expected = expectedState(fired.clicks, links);
    const first = await aurora(db.sql, links);
    expect(first.clickIds).toEqual(expected.clickIds);
    expect(first.cookies).toEqual(expected.cookies);
    expect(first.journeys).toEqual(expected.journeys);
    expect(first.enrollments).toEqual(expected.enrollments);
    await deliver(shuffled([...queue.messages, ...queue.messages.slice(0, 500)], next));
    expect(await aurora(db.sql, links)).toEqual(first);
  }, 240_000);
});

/**
 * 600 by default, so CI stays short; `PLATFORM_CLICKS=10000 npx vitest run test/integration/click-pipeline.test.ts`
 * fires the full 10,000 through the local platform (README, "Larger runs").
 */
const platformRequests = Number(process.env.PLATFORM_CLICKS ?? 600);

describe(`click pipeline: ${platformRequests} requests through the local platform`, () => {
  let platform: LocalPlatform;
  let dataDir: string;
  let links: LinkItem[];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hot-path-'));
    platform = await startLocalPlatform({ port: 0, dataDir, tickerEnabled: false, log: silentLog, retryDelaySeconds: 0 });
    links = [
      ...(await seedLinks(platform.deps.sql, { partners: 3, cookieDurationDays: 30 })),
      ...(await seedLinks(platform.deps.sql, { partners: 3, cookieDurationDays: 7 })),
    ];
    const store = createDynamoDbLinkStore({ client: platform.deps.dynamodb, tableName: platform.deps.config.tableNames.links });
    for (const link of links) await store.put(link);
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('ends in exactly the expected rows, also when every message is delivered twice', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const fired = await firePlan(plan(platformRequests), links, httpFire(platform.url, agent, platform.originVerifySecret), 8);
    agent.destroy();
    expect(fired.problems.slice(0, 5)).toEqual([]);
    expect(fired.requests).toBe(platformRequests);
    // 70 % of the requests are counted clicks; repeats, bots and HEAD requests are not.
    expect(fired.clicks.size).toBe(Math.round(platformRequests * 0.7));

    await platform.drain(Math.max(120_000, platformRequests * 60));
    const expected = expectedState(fired.clicks, links);
    const actual = await aurora(platform.deps.sql, links);
    expect(actual.clickIds).toEqual(expected.clickIds);
    expect(actual.cookies).toEqual(expected.cookies);
    expect(actual.journeys).toEqual(expected.journeys);
    expect(actual.enrollments).toEqual(expected.enrollments);

    // Every message again: the hot-store copies are the records the redirect sent.
    const hot = await hotStoreClicks(platform);
    expect(hot.length).toBe(fired.clicks.size);
    for (let i = 0; i < hot.length; i += 10) {
      await platform.deps.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: platform.queues.clicks!.url,
          Entries: hot.slice(i, i + 10).map((body, index) => ({ Id: String(index), MessageBody: JSON.stringify(body) })),
        }),
      );
    }
    await platform.drain(Math.max(120_000, platformRequests * 60));
    expect(await aurora(platform.deps.sql, links)).toEqual(actual);
    const dead = await platform.deps.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: platform.queues.clicks!.deadLetterUrl, MaxNumberOfMessages: 10 }),
    );
    expect(dead.Messages ?? []).toEqual([]);
  }, Math.max(240_000, platformRequests * 300));
});

/** The hot store's click items, as the messages the redirect sent (pk and TTL removed). */
async function hotStoreClicks(platform: LocalPlatform): Promise<Record<string, unknown>[]> {
  const doc = DynamoDBDocumentClient.from(platform.deps.dynamodb);
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: platform.deps.config.tableNames.clicks, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      if (typeof item.click_id !== 'string') continue; // visit markers
      const { pk: _pk, expires_at_epoch: _ttl, ...click } = item;
      items.push(click);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

function expectedState(clicks: Map<string, { visitor: number; link: number; order: number }>, links: LinkItem[]) {
  const byVisitor = new Map<number, { id: string; link: number; order: number }[]>();
  for (const [id, click] of clicks) {
    const list = byVisitor.get(click.visitor) ?? [];
    list.push({ id, link: click.link, order: click.order });
    byVisitor.set(click.visitor, list);
  }
  const cookies: unknown[] = [];
  const journeys: unknown[] = [];
  for (const [, list] of byVisitor) {
    list.sort((a, b) => a.order - b.order);
    const first = list[0]!;
    const last = list[list.length - 1]!;
    cookies.push({
      first_click: first.id,
      last_click: last.id,
      first_partner_id: links[first.link]!.partner_id,
      last_partner_id: links[last.link]!.partner_id,
      last_campaign_version_id: links[last.link]!.campaign_version_id,
    });
    journeys.push({
      first_click: first.id,
      partner_id: links[first.link]!.partner_id,
      campaign_version_id: links[first.link]!.campaign_version_id,
      total_events: list.length,
      events: list.map((click) => click.id),
    });
  }
  const byFirst = (a: unknown, b: unknown) => String((a as { first_click: string }).first_click).localeCompare((b as { first_click: string }).first_click);
  const enrollments = links.map((link, index) => ({
    campaign_partner_id: link.campaign_partner_id,
    total_clicks: [...clicks.values()].filter((click) => click.link === index).length,
  }));
  return {
    clickIds: [...clicks.keys()].sort(),
    cookies: cookies.sort(byFirst),
    journeys: journeys.sort(byFirst),
    enrollments: enrollments.sort((a, b) => a.campaign_partner_id - b.campaign_partner_id),
  };
}

async function aurora(sql: SqlExecutor, links: LinkItem[]) {
  const clickIds = (await sql.query<{ id: string }>(`SELECT click_uuid::text AS id FROM clicks ORDER BY click_uuid`)).rows.map((row) => row.id);
  const cookies = (
    await sql.query(
      `SELECT f.click_uuid::text AS first_click, l.click_uuid::text AS last_click, k.first_partner_id, k.last_partner_id, k.last_campaign_version_id
       FROM cookies k JOIN clicks f ON f.click_id = k.first_click_id JOIN clicks l ON l.click_id = k.last_click_id`,
    )
  ).rows;
  const journeys = (
    await sql.query<{ events_sequence: { click_id: string }[]; partner_id: number; campaign_version_id: number; total_events: number }>(
      `SELECT partner_id, campaign_version_id, total_events, events_sequence FROM funnel_journeys`,
    )
  ).rows.map((row) => ({
    first_click: row.events_sequence[0]?.click_id,
    partner_id: row.partner_id,
    campaign_version_id: row.campaign_version_id,
    total_events: row.total_events,
    events: row.events_sequence.map((event) => event.click_id),
  }));
  const enrollments = (
    await sql.query<{ campaign_partner_id: number; total_clicks: number }>(
      `SELECT campaign_partner_id, total_clicks FROM campaign_partners WHERE campaign_partner_id = ANY(:ids::integer[]) ORDER BY campaign_partner_id`,
      { ids: links.map((link) => link.campaign_partner_id) },
    )
  ).rows;
  const byFirst = (a: { first_click?: unknown }, b: { first_click?: unknown }) => String(a.first_click).localeCompare(String(b.first_click));
  return {
    clickIds,
    cookies: (cookies as { first_click: string }[]).sort(byFirst),
    journeys: journeys.sort(byFirst),
    enrollments,
  };
}
