// Over 300 lines: the redirect's spec (bots, HEAD, repeats, velocity, cookies, origin-verify, failure policy, metrics) over one set of in-memory adapters.
import { readFileSync } from 'node:fs';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { validate as uuidValidate, version as uuidVersion } from 'uuid';
import { createDynamoDbClickStore } from '../../../functions/adapters/aws/dynamodb-click-store.js';
import { createDynamoDbLinkStore } from '../../../functions/adapters/aws/dynamodb-link-store.js';
import { createDynamoDbRequestRateCounter } from '../../../functions/adapters/aws/dynamodb-request-rate-counter.js';
import { createSqsClickQueue } from '../../../functions/adapters/aws/sqs-click-queue.js';
import { clickMessageSchema } from '../../../functions/domain/clicks/click-message.js';
import { createSecretsManagerOriginVerifySecrets } from '../../../functions/adapters/aws/secrets-manager-origin-verify-secrets.js';
import {
  createHandler,
  createRedirect,
  redirectAwsClientConfig,
  type RedirectResult,
} from '../../../functions/handlers/redirect.js';
import { platformDepsFromEnv, type PlatformDeps } from '../../../functions/platform/composition-root.js';
import { originVerifySecretsClientConfig } from '../../../functions/platform/origin-verified-viewer.js';
import type { BusinessMetricName, BusinessMetrics } from '../../../functions/ports/business-metrics.js';
import type { LinkItem } from '../../../functions/ports/link-store.js';
import { linkItem } from '../../support/fixtures/link-item.js';
import type { LogFields, Logger } from '../../../functions/ports/logger.js';
import type { OriginVerifySecretVersions } from '../../../functions/ports/origin-verify-secrets.js';
import type { VelocityLimits } from '../../../functions/domain/clicks/velocity-verdict.js';
import { startLocalAws, type LocalAws } from '../../support/stand-ins/local-aws.js';

const baseEvent = JSON.parse(
  readFileSync(new URL('../../../events/clicks/apigw-v2-redirect-get.json', import.meta.url), 'utf8'),
) as APIGatewayProxyEventV2;

/** What CloudFront adds to every origin request (the stack's origin custom header). */
const ORIGIN_SECRET = 'origin-secret-current-3f9c2a7e1b';
const PREVIOUS_ORIGIN_SECRET = 'origin-secret-previous-77d0e4';
const viaCloudFront = { 'x-origin-verify': ORIGIN_SECRET };

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

function link(overrides: Partial<LinkItem> = {}): LinkItem {
  return linkItem({
    short_code: 'spring24',
    partner_link_id: 11,
    campaign_partner_id: 7,
    partner_id: 3,
    vendor_id: 1,
    campaign_id: 2,
    campaign_version_id: 5,
    destination_url: 'https://shop.example.com/running?ref=home&utm_source=old',
    utm_params: { utm_source: 'partner_blog', utm_medium: 'referral', utm_campaign: 'spring' },
    custom_params: { placement: 'hero' },
    ...overrides,
  });
}

function request(
  shortCode: string,
  options: { method?: string; ip?: string; ua?: string | null; cookies?: string[]; query?: string; headers?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  const event = structuredClone(baseEvent);
  event.rawPath = `/${shortCode}`;
  event.pathParameters = { short_code: shortCode };
  event.requestContext.http.method = options.method ?? 'GET';
  event.requestContext.http.sourceIp = options.ip ?? '203.0.113.77';
  if (options.ua === null) delete event.headers['user-agent'];
  else event.headers['user-agent'] = options.ua ?? CHROME;
  if (options.cookies) event.cookies = options.cookies;
  if (options.query) event.rawQueryString = options.query;
  Object.assign(event.headers, options.headers ?? {});
  return event;
}

function cookieOf(result: RedirectResult): { id: string; attributes: string } | undefined {
  const cookie = result.cookies?.[0];
  if (!cookie) return undefined;
  const match = /^aff_cid=([^;]+); (.*)$/.exec(cookie);
  return match ? { id: match[1]!, attributes: match[2]! } : undefined;
}

let aws: LocalAws;
let nowMs = Date.parse('2024-03-15T10:00:00.000Z');
const logged: { level: string; message: string; fields: Record<string, unknown> }[] = [];
const record = (level: string) => (message: string, ...extra: (LogFields | Error)[]) => logged.push({ level, message, fields: Object.assign({}, ...extra) as Record<string, unknown> });
const log: Logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
const counted: { name: BusinessMetricName; value: number; dimensions: Record<string, string> }[] = [];
const metrics: BusinessMetrics = { add: (name, value, dimensions = {}) => counted.push({ name, value, dimensions: { ...dimensions } }) };
/** The metrics added since the last reset, as `name[reason]` -> total. */
function metricTotals(): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const { name, value, dimensions } of counted) {
    const key = dimensions.reason ? `${name}[${dimensions.reason}]` : name;
    totals[key] = (totals[key] ?? 0) + value;
  }
  return totals;
}

let secretVersions: OriginVerifySecretVersions = { current: { value: ORIGIN_SECRET, createdAt: new Date('2024-01-01T00:00:00.000Z') } };
let secretReads = 0;
let secretStoreDown = false;

function redirectWith(
  options: { publicBaseUrl?: string; windowSeconds?: number; queueUrl?: string; clicksTable?: string; velocity?: VelocityLimits; graceSeconds?: number } = {},
) {
  return createRedirect({
    originVerify: {
      secrets: {
        read: async () => {
          secretReads += 1;
          if (secretStoreDown) throw new Error('AccessDeniedException');
          return secretVersions;
        },
      },
      graceSeconds: options.graceSeconds ?? 3600,
    },
    ...(options.velocity
      ? { velocity: { counter: createDynamoDbRequestRateCounter({ client: aws.dynamodb, tableName: aws.tableNames.clicks }), limits: options.velocity } }
      : {}),
    links: createDynamoDbLinkStore({ client: aws.dynamodb, tableName: aws.tableNames.links }),
    clicks: createDynamoDbClickStore({ client: aws.dynamodb, tableName: options.clicksTable ?? aws.tableNames.clicks }),
    queue: createSqsClickQueue({ client: aws.sqs, queueUrl: options.queueUrl ?? aws.clicksQueueUrl }),
    config: { publicBaseUrl: options.publicBaseUrl ?? 'https://go.example.com', repeatClickWindowSeconds: options.windowSeconds ?? 3600 },
    now: () => new Date(nowMs),
    log,
    metrics,
  });
}

async function recorded(shortCode: string) {
  const items = (await aws.scan(aws.tableNames.clicks)).filter((item) => item.short_code === shortCode);
  const messages = (await aws.drain(aws.clicksQueueUrl)).map((message) => clickMessageSchema.parse(JSON.parse(message.Body!)));
  return { items, messages: messages.filter((message) => message.short_code === shortCode) };
}

async function seed(item: LinkItem): Promise<void> {
  await createDynamoDbLinkStore({ client: aws.dynamodb, tableName: aws.tableNames.links }).put(item);
}

beforeAll(async () => {
  aws = await startLocalAws();
});

afterAll(async () => {
  await aws.close();
});

afterEach(async () => {
  logged.length = 0;
  counted.length = 0;
  await aws.drain(aws.clicksQueueUrl);
});

describe('redirect: a counted click', () => {
  it('answers 302 to the merged destination, sets the cookie and records the click in DynamoDB and on the queue', async () => {
    await seed(link());
    // Through CloudFront: the event carries CloudFront-Viewer-Country (DE) and the origin secret.
    const result = await redirectWith()(request('spring24', { ip: '203.0.113.77', headers: viaCloudFront }));

    expect(result.statusCode).toBe(302);
    expect(result.headers?.['cache-control']).toBe('no-store');
    const location = new URL(String(result.headers?.location));
    expect(location.origin + location.pathname).toBe('https://shop.example.com/running');
    const clickId = location.searchParams.get('aff_click_id')!;
    expect(uuidValidate(clickId) && uuidVersion(clickId)).toBe(7);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      ref: 'home',
      utm_source: 'partner_blog',
      placement: 'hero',
      utm_medium: 'referral',
      utm_campaign: 'spring',
      aff_click_id: clickId,
      // The campaign's cookie window, for the merchant's tracking script.
      aff_cw: '30',
    });

    const cookie = cookieOf(result)!;
    expect(uuidValidate(cookie.id) && uuidVersion(cookie.id)).toBe(4);
    expect(cookie.attributes).toBe('Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax; Secure'); // 30 days

    const { items, messages } = await recorded('spring24');
    expect(messages).toHaveLength(1);
    expect(items).toHaveLength(1);
    const message = messages[0]!;
    expect(message).toMatchObject({
      v: 1,
      click_id: clickId,
      cookie_id: cookie.id,
      partner_link_id: 11,
      campaign_partner_id: 7,
      partner_id: 3,
      vendor_id: 1,
      campaign_id: 2,
      campaign_version_id: 5,
      clicked_at: '2024-03-15T10:00:00.000Z',
      cookie_expires_at: '2024-04-14T10:00:00.000Z',
      ip_address: '203.0.113.0',
      referrer_url: 'https://blog.example.org/best-running-shoes',
      utm_source: 'partner_blog',
      utm_medium: 'referral',
      utm_campaign: 'spring',
      utm_content: null,
      country_code: 'DE',
      device_type: 'desktop',
      browser: 'Chrome 124.0.0.0',
      os: 'Windows 10',
    });
    expect(message.visitor_hash).toMatch(/^[0-9a-f]{64}$/);
    // The hot-store copy is the same record, keyed by click id, indexed by cookie, with a TTL.
    const item = items[0]!;
    expect(item).toMatchObject({ ...message, pk: clickId });
    expect(item.expires_at_epoch).toBe(Date.parse('2024-04-15T10:00:00.000Z') / 1000);
    // The full IP is stored nowhere.
    expect(JSON.stringify([items, messages])).not.toContain('203.0.113.77');
  });

  it('omits Secure when the public base URL is plain http (local)', async () => {
    await seed(link({ short_code: 'plainhttp' }));
    const result = await redirectWith({ publicBaseUrl: 'http://127.0.0.1:3000' })(request('plainhttp'));
    expect(cookieOf(result)!.attributes).toBe('Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax');
  });

  it("reuses the browser's aff_cid cookie and takes Max-Age from the campaign's cookie window", async () => {
    await seed(link({ short_code: 'reuse', cookie_duration_days: 7 }));
    const existing = '8d0f1c52-3b4a-4f6e-9a1b-2c3d4e5f6a7b';
    const result = await redirectWith()(request('reuse', { cookies: ['theme=dark', `aff_cid=${existing}`], ip: '198.51.100.9' }));
    expect(cookieOf(result)).toEqual({ id: existing, attributes: 'Max-Age=604800; Path=/; HttpOnly; SameSite=Lax; Secure' });
    const { messages } = await recorded('reuse');
    expect(messages.map((message) => message.cookie_id)).toEqual([existing]);
  });

  it('reads the cookie from a raw Cookie header too, and replaces an invalid or non-v4 id', async () => {
    await seed(link({ short_code: 'cookiehdr' }));
    const existing = '8d0f1c52-3b4a-4f6e-9a1b-2c3d4e5f6a7b';
    const event = request('cookiehdr', { ip: '198.51.100.10', headers: { cookie: `a=1; aff_cid=${existing}` } });
    delete event.cookies;
    expect(cookieOf(await redirectWith()(event))!.id).toBe(existing);

    const forged = await redirectWith()(request('cookiehdr', { ip: '198.51.100.11', cookies: ['aff_cid=not-a-uuid'] }));
    expect(cookieOf(forged)!.id).not.toBe('not-a-uuid');
    const v7 = await redirectWith()(request('cookiehdr', { ip: '198.51.100.12', cookies: ['aff_cid=0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b'] }));
    expect(uuidVersion(cookieOf(v7)!.id)).toBe(4);
  });

  it('truncates IPv6 to its /48 and prefers CloudFront-Viewer-Address over the edge address', async () => {
    await seed(link({ short_code: 'ipv6' }));
    await redirectWith()(request('ipv6', { ip: '2001:db8:85a3:8d3:1319:8a2e:370:7348' }));
    await redirectWith()(request('ipv6', { ip: '130.176.0.1', headers: { ...viaCloudFront, 'cloudfront-viewer-address': '192.0.2.201:46532' } }));
    await redirectWith()(
      request('ipv6', { ip: '130.176.0.1', headers: { ...viaCloudFront, 'cloudfront-viewer-address': '2a00:1450:4001:82b::200e:443' } }),
    );
    const { messages } = await recorded('ipv6');
    expect(messages.map((message) => message.ip_address).sort()).toEqual(['192.0.2.0', '2001:db8:85a3::', '2a00:1450:4001::']);
  });

  it('ignores the request query string: the destination only comes from the stored link', async () => {
    await seed(link({ short_code: 'noopen' }));
    const result = await redirectWith()(
      request('noopen', { query: 'url=https://evil.example.com&utm_source=forged', ip: '198.51.100.20' }),
    );
    const location = new URL(String(result.headers?.location));
    expect(location.host).toBe('shop.example.com');
    expect(location.searchParams.get('utm_source')).toBe('partner_blog');
    expect(location.searchParams.has('url')).toBe(false);
  });

  it('still redirects when recording fails, and logs it (the hot-store copy carries the click)', async () => {
    await seed(link({ short_code: 'sqsdown' }));
    const result = await redirectWith({ queueUrl: `${aws.clicksQueueUrl}-missing` })(request('sqsdown', { ip: '198.51.100.30' }));
    expect(result.statusCode).toBe(302);
    expect(logged.map((entry) => entry.message)).toEqual(['click_send_failed']);
    const clickId = new URL(String(result.headers?.location)).searchParams.get('aff_click_id');
    // The line names the click it concerns, for a Logs Insights query by correlation id.
    expect(logged[0]!.fields).toMatchObject({ click_id: clickId, correlation_id: clickId });
    const { items } = await recorded('sqsdown');
    expect(items).toHaveLength(1);
    expect(metricTotals()).toEqual({ ClicksCounted: 1 });
  });
});

describe('redirect: when the hot store fails', () => {
  it('still redirects and counts the click through the queue copy, logging both failures', async () => {
    await seed(link({ short_code: 'ddbdown' }));
    const result = await redirectWith({ clicksTable: 'no-such-table' })(request('ddbdown', { ip: '198.51.100.31' }));
    expect(result.statusCode).toBe(302);
    const clickId = new URL(String(result.headers?.location)).searchParams.get('aff_click_id');
    expect(logged.map((entry) => entry.message)).toEqual(['visit_marker_failed', 'click_store_failed']);
    const { messages } = await recorded('ddbdown');
    expect(messages.map((message) => message.click_id)).toEqual([clickId]);
  });

  it('still redirects when both copies fail, and counts the click as lost (ClicksLost), not counted', async () => {
    await seed(link({ short_code: 'bothdown' }));
    const result = await redirectWith({ clicksTable: 'no-such-table', queueUrl: `${aws.clicksQueueUrl}-missing` })(request('bothdown', { ip: '198.51.100.32' }));
    expect(result.statusCode).toBe(302);
    const clickId = new URL(String(result.headers?.location)).searchParams.get('aff_click_id');
    expect(logged.map((entry) => entry.message)).toEqual(['visit_marker_failed', 'click_store_failed', 'click_send_failed', 'click_lost']);
    expect(logged.at(-1)!.fields).toMatchObject({ correlation_id: clickId, short_code: 'bothdown' });
    expect(metricTotals()).toEqual({ ClicksLost: 1 });
  });

  it('answers 503 when the link cannot be read at all', async () => {
    const redirect = createRedirect({
      links: { get: () => Promise.reject(new Error('throttled')), put: () => Promise.resolve() },
      clicks: createDynamoDbClickStore({ client: aws.dynamodb, tableName: aws.tableNames.clicks }),
      queue: createSqsClickQueue({ client: aws.sqs, queueUrl: aws.clicksQueueUrl }),
      config: { publicBaseUrl: 'https://go.example.com', repeatClickWindowSeconds: 3600 },
      now: () => new Date(nowMs),
      log,
    });
    const result = await redirect(request('anything'));
    expect(result.statusCode).toBe(503);
    expect(result.headers?.location).toBeUndefined();
    expect(logged.map((entry) => entry.message)).toEqual(['link_lookup_failed']);
  });
});

describe('redirect: not found, nothing recorded', () => {
  it.each([
    ['unknown code', 'nosuchcode', undefined],
    ['inactive link (deleted, paused, removed)', 'paused', link({ short_code: 'paused', status: 'inactive' })],
    ['stored javascript: destination', 'jsdest', link({ short_code: 'jsdest', destination_url: 'javascript:alert(1)' })],
    ['stored protocol-relative destination', 'protorel', link({ short_code: 'protorel', destination_url: '//evil.example.com/' })],
    ['stored destination forwarding to a query-string URL', 'fwd', link({ short_code: 'fwd', destination_url: 'https://shop.example.com/go?url=https://evil.example.com' })],
    ['malformed code', 'bad%20code', undefined],
  ])('%s -> 404 small HTML page', async (_name, code, item) => {
    if (item) await seed(item);
    const result = await redirectWith()(request(code, { ip: '198.51.100.40' }));
    expect(result.statusCode).toBe(404);
    expect(result.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(String(result.body)).toContain('Link not found');
    expect(result.cookies).toBeUndefined();
    expect(result.headers?.location).toBeUndefined();
    const { items, messages } = await recorded(code);
    expect(items).toEqual([]);
    expect(messages).toEqual([]);
  });
});

describe('redirect: redirected but never counted', () => {
  it.each([
    ['HEAD request', { method: 'HEAD' }],
    ['Googlebot', { ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' }],
    ['Slack link preview', { ua: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' }],
    ['Facebook preview', { ua: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)' }],
    ['curl', { ua: 'curl/8.4.0' }],
    ['no user agent', { ua: null }],
  ] as const)('%s -> 302 without click id, cookie or record', async (_name, options) => {
    await seed(link({ short_code: 'notcounted' }));
    const result = await redirectWith()(request('notcounted', { ...options, ip: '198.51.100.50' }));
    expect(result.statusCode).toBe(302);
    const location = new URL(String(result.headers?.location));
    expect(location.host).toBe('shop.example.com');
    expect(location.searchParams.get('utm_source')).toBe('partner_blog');
    expect(location.searchParams.has('aff_click_id')).toBe(false);
    expect(result.cookies).toBeUndefined();
    const { items, messages } = await recorded('notcounted');
    expect(items).toEqual([]);
    expect(messages).toEqual([]);
    expect(metricTotals()).toEqual({ [`ClicksFiltered[${'method' in options ? 'head' : 'bot'}]`]: 1 });
  });

  it('does not count a repeat from the same visitor on the same link inside the window, and reuses its ids', async () => {
    await seed(link({ short_code: 'repeat' }));
    await seed(link({ short_code: 'repeat2' }));
    const redirect = redirectWith({ windowSeconds: 3600 });
    const first = await redirect(request('repeat', { ip: '192.0.2.10' }));
    nowMs += 10 * 60_000;
    // Same /24 and user agent, cookies blocked: the same visitor.
    const again = await redirect(request('repeat', { ip: '192.0.2.99' }));
    expect(again.statusCode).toBe(302);
    expect(new URL(String(again.headers?.location)).searchParams.get('aff_click_id')).toBe(
      new URL(String(first.headers?.location)).searchParams.get('aff_click_id'),
    );
    expect(cookieOf(again)!.id).toBe(cookieOf(first)!.id);
    // Another link, or another user agent, is another visit.
    await redirect(request('repeat2', { ip: '192.0.2.10' }));
    await redirect(request('repeat', { ip: '192.0.2.10', ua: `${CHROME} Edg/124.0.0.0` }));
    expect((await recorded('repeat')).messages).toHaveLength(2);
    // After the window the same visitor counts again.
    nowMs += 60 * 60_000;
    await redirect(request('repeat', { ip: '192.0.2.10' }));
    const after = await recorded('repeat');
    expect(after.messages).toHaveLength(1);
    expect(after.items).toHaveLength(3);
    // first, repeat2, the Edge visitor, after the window: 4 counted; the one inside the window filtered.
    expect(metricTotals()).toEqual({ ClicksCounted: 4, 'ClicksFiltered[repeat]': 1 });
  });

  it('counts every click when the window is 0', async () => {
    await seed(link({ short_code: 'nowindow' }));
    const redirect = redirectWith({ windowSeconds: 0 });
    await redirect(request('nowindow', { ip: '192.0.2.20' }));
    await redirect(request('nowindow', { ip: '192.0.2.20' }));
    expect((await recorded('nowindow')).messages).toHaveLength(2);
  });
});

describe("redirect: the visitor's address is evidence only through our CloudFront", () => {
  const spoofed = { 'cloudfront-viewer-address': '192.0.2.201:443', 'cloudfront-viewer-country': 'US' };

  async function visitorOf(shortCode: string, headers: Record<string, string>, options: { graceSeconds?: number } = {}) {
    const result = await redirectWith(options)(request(shortCode, { ip: '198.51.100.40', headers }));
    expect(result.statusCode).toBe(302);
    const { messages } = await recorded(shortCode);
    expect(messages).toHaveLength(1);
    return { ip: messages[0]!.ip_address, country: messages[0]!.country_code, visitorHash: messages[0]!.visitor_hash };
  }

  it('ignores spoofed CloudFront viewer headers without the secret: the connection address, no country', async () => {
    await seed(link({ short_code: 'spoof1' }));
    const before = secretReads;
    expect(await visitorOf('spoof1', spoofed)).toMatchObject({ ip: '198.51.100.0', country: null });
    // No secret presented: the secret store is not even asked.
    expect(secretReads).toBe(before);
    // The same visitor as without the forged headers: a script cannot mint "distinct visitors".
    await seed(link({ short_code: 'spoof1b' }));
    const plain = await visitorOf('spoof1b', {});
    await seed(link({ short_code: 'spoof1c' }));
    const forged = await visitorOf('spoof1c', { 'cloudfront-viewer-address': '203.0.113.9:443' });
    expect(forged.ip).toBe(plain.ip);
  });

  it('ignores them with a wrong secret too, and believes them with the current one', async () => {
    await seed(link({ short_code: 'spoof2' }));
    expect(await visitorOf('spoof2', { ...spoofed, 'x-origin-verify': 'guess' })).toMatchObject({ ip: '198.51.100.0', country: null });
    await seed(link({ short_code: 'spoof3' }));
    expect(await visitorOf('spoof3', { ...spoofed, 'x-origin-verify': `${ORIGIN_SECRET}x` })).toMatchObject({ ip: '198.51.100.0', country: null });
    await seed(link({ short_code: 'spoof4' }));
    expect(await visitorOf('spoof4', { ...spoofed, ...viaCloudFront })).toMatchObject({ ip: '192.0.2.0', country: 'US' });
  });

  it('accepts the previous secret during the grace period after a rotation, and not after it', async () => {
    const saved = secretVersions;
    secretVersions = {
      current: { value: ORIGIN_SECRET, createdAt: new Date(nowMs - 30 * 60_000) },
      previous: { value: PREVIOUS_ORIGIN_SECRET, createdAt: new Date('2024-01-01T00:00:00.000Z') },
    };
    try {
      const withPrevious = { ...spoofed, 'x-origin-verify': PREVIOUS_ORIGIN_SECRET };
      await seed(link({ short_code: 'rotate1' }));
      expect(await visitorOf('rotate1', withPrevious, { graceSeconds: 3600 })).toMatchObject({ ip: '192.0.2.0', country: 'US' });
      await seed(link({ short_code: 'rotate2' }));
      expect(await visitorOf('rotate2', withPrevious, { graceSeconds: 600 })).toMatchObject({ ip: '198.51.100.0', country: null });
      await seed(link({ short_code: 'rotate3' }));
      expect(await visitorOf('rotate3', { ...spoofed, ...viaCloudFront }, { graceSeconds: 600 })).toMatchObject({ ip: '192.0.2.0', country: 'US' });
    } finally {
      secretVersions = saved;
    }
  });

  it('still redirects and counts when the secret store fails, treating the request as unverified', async () => {
    await seed(link({ short_code: 'smdown' }));
    secretStoreDown = true;
    try {
      expect(await visitorOf('smdown', { ...spoofed, ...viaCloudFront })).toMatchObject({ ip: '198.51.100.0', country: null });
    } finally {
      secretStoreDown = false;
    }
    expect(logged.map((entry) => entry.message)).toContain('origin_verify_unavailable');
    expect(JSON.stringify(logged)).not.toContain(ORIGIN_SECRET);
  });
});

describe('redirect: velocity rules', () => {
  it('redirects a burst from one visitor above the rate but counts only the allowed number; the rest go to Aurora as filtered (velocity)', async () => {
    await seed(link({ short_code: 'burst' }));
    // Window 0: without the velocity rule every one of these would be a counted click.
    const redirect = redirectWith({ windowSeconds: 0, velocity: { perVisitorPerLink: 3, perIpPerLink: 100 } });
    const results = [];
    for (let i = 0; i < 8; i += 1) results.push(await redirect(request('burst', { ip: '192.0.2.50' })));
    expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(302));
    const clickIds = results.map((r) => new URL(String(r.headers?.location)).searchParams.get('aff_click_id'));
    expect(clickIds.filter(Boolean)).toHaveLength(3);
    expect(results.slice(3).every((r) => r.cookies === undefined && new URL(String(r.headers?.location)).host === 'shop.example.com')).toBe(true);

    const { items, messages } = await recorded('burst');
    expect(messages.filter((m) => m.filter_reason === undefined).map((m) => m.click_id).sort()).toEqual(clickIds.slice(0, 3).sort());
    expect(messages.filter((m) => m.filter_reason === 'velocity')).toHaveLength(5);
    // Filtered clicks never reach the hot store: attribution cannot find them.
    expect(items.map((item) => item.click_id).sort()).toEqual(clickIds.slice(0, 3).sort());
    expect(metricTotals()).toEqual({ ClicksCounted: 3, 'ClicksFiltered[velocity]': 5 });

    // The next minute, the visitor counts again.
    nowMs += 60_000;
    const later = await redirect(request('burst', { ip: '192.0.2.50' }));
    expect(new URL(String(later.headers?.location)).searchParams.get('aff_click_id')).toBeTruthy();
  });

  it('filters one address prefix minting "visitors" with new user agents on one link, not other prefixes or links', async () => {
    await seed(link({ short_code: 'uaflood' }));
    await seed(link({ short_code: 'uaflood2' }));
    const redirect = redirectWith({ velocity: { perVisitorPerLink: 10, perIpPerLink: 4 } });
    for (let i = 0; i < 7; i += 1) await redirect(request('uaflood', { ip: `192.0.2.${100 + i}`, ua: `${CHROME} Variant/${i}` }));
    await redirect(request('uaflood', { ip: '198.51.100.1' }));
    await redirect(request('uaflood2', { ip: '192.0.2.100' }));
    const first = await recorded('uaflood');
    expect(first.messages.filter((m) => m.filter_reason === undefined)).toHaveLength(5);
    expect(first.messages.filter((m) => m.filter_reason === 'velocity').map((m) => m.ip_address)).toEqual(['192.0.2.0', '192.0.2.0', '192.0.2.0']);
  });

  it('counts the click when the rate counter fails (logged), rather than lose it', async () => {
    await seed(link({ short_code: 'ratedown' }));
    const redirect = createRedirect({
      links: createDynamoDbLinkStore({ client: aws.dynamodb, tableName: aws.tableNames.links }),
      clicks: createDynamoDbClickStore({ client: aws.dynamodb, tableName: aws.tableNames.clicks }),
      queue: createSqsClickQueue({ client: aws.sqs, queueUrl: aws.clicksQueueUrl }),
      config: { publicBaseUrl: 'https://go.example.com', repeatClickWindowSeconds: 3600 },
      now: () => new Date(nowMs),
      log,
      velocity: { counter: createDynamoDbRequestRateCounter({ client: aws.dynamodb, tableName: 'no-such-table' }), limits: { perVisitorPerLink: 1, perIpPerLink: 1 } },
    });
    const result = await redirect(request('ratedown', { ip: '192.0.2.77' }));
    expect(new URL(String(result.headers?.location)).searchParams.get('aff_click_id')).toBeTruthy();
    expect((await recorded('ratedown')).messages).toHaveLength(1);
    expect(logged.map((entry) => entry.message)).toContain('velocity_count_failed');
  });
});

describe('redirect: Lambda handler', () => {
  it('createHandler wires the platform clients and caches links in the warm Lambda', async () => {
    await seed(link({ short_code: 'lambda' }));
    const deps = {
      config: {
        tableNames: aws.tableNames,
        queueUrls: { clicks: aws.clicksQueueUrl, conversions: '', notifications: '' },
        publicBaseUrl: 'https://go.example.com',
        repeatClickWindowSeconds: 3600,
      },
      get sql(): never {
        throw new Error('the redirect never touches Aurora');
      },
      dynamodb: aws.dynamodb,
      sqs: aws.sqs,
      now: () => new Date(nowMs),
    } as unknown as PlatformDeps;
    const handler = createHandler(deps);
    const first = await handler(request('lambda', { ip: '10.0.1.1' }));
    expect(first.statusCode).toBe(302);
    // Paused in the store: the warm cache keeps redirecting for at most its TTL (30 s).
    await seed(link({ short_code: 'lambda', status: 'inactive', updated_at: '2024-03-02T00:00:00.000Z' }));
    expect((await handler(request('lambda', { ip: '10.0.2.1' }))).statusCode).toBe(302);
    nowMs += 31_000;
    expect((await handler(request('lambda', { ip: '10.0.3.1' }))).statusCode).toBe(404);
    expect((await recorded('lambda')).messages).toHaveLength(2);
  });
});

describe('redirect: an AWS dependency that hangs', () => {
  /** Accepts connections and never answers a byte: an endpoint stuck somewhere in AWS. */
  let hanging: TcpServer;
  let hangingUrl: string;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    hanging = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((r) => hanging.close(() => r()));
  });

  const hangingClientOptions = () => ({ ...redirectAwsClientConfig, endpoint: hangingUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

  it('the Lambda builds its DynamoDB and SQS clients with short timeouts, few attempts, and timeouts that throw', async () => {
    const deps = platformDepsFromEnv({ AWS_REGION: 'eu-west-1' }, redirectAwsClientConfig);
    for (const client of [deps.dynamodb, deps.sqs]) {
      expect(await client.config.maxAttempts()).toBe(2);
      // The handler's resolved options (the SDK keeps them behind a provider).
      const options = await (client.config.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> }).configProvider;
      expect(options).toMatchObject({ connectionTimeout: 100, requestTimeout: 300, throwOnRequestTimeout: true });
    }
    // Well inside the redirect's own timeout even when every call uses all its attempts.
    const worstCallMs = redirectAwsClientConfig.maxAttempts * (redirectAwsClientConfig.requestHandler.connectionTimeout + redirectAwsClientConfig.requestHandler.requestTimeout);
    expect(3 * worstCallMs).toBeLessThan(5_000 / 2);
  });

  it('a hanging Secrets Manager gives up on the origin-verify secret in bounded time (the request is then unverified, never unanswered)', async () => {
    const client = new SecretsManagerClient({ ...originVerifySecretsClientConfig, endpoint: hangingUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const secrets = createSecretsManagerOriginVerifySecrets({ client, secretId: 'origin-verify', now: () => new Date('2024-03-15T10:00:00Z') });
    await expect(secrets.read()).rejects.toThrow();
    const worstMs = originVerifySecretsClientConfig.maxAttempts * (originVerifySecretsClientConfig.requestHandler.connectionTimeout + originVerifySecretsClientConfig.requestHandler.requestTimeout);
    expect(worstMs).toBeLessThan(5_000 / 2);
  });

  it('a hanging SQS still sends the shopper on, the click kept by the hot-store copy', async () => {
    await seed(link({ short_code: 'sqshangs' }));
    const deps = {
      config: {
        tableNames: aws.tableNames,
        queueUrls: { clicks: `${hangingUrl}/000000000000/clicks`, conversions: '', notifications: '' },
        publicBaseUrl: 'https://go.example.com',
        repeatClickWindowSeconds: 3600,
      },
      get sql(): never {
        throw new Error('the redirect never touches Aurora');
      },
      dynamodb: aws.dynamodb,
      sqs: new SQSClient(hangingClientOptions()),
      now: () => new Date(nowMs),
    } as unknown as PlatformDeps;
    const result = await createHandler(deps)(request('sqshangs', { ip: '198.51.100.60' }));
    expect(result.statusCode).toBe(302);
    const clickId = new URL(String(result.headers?.location)).searchParams.get('aff_click_id');
    const { items } = await recorded('sqshangs');
    expect(items.map((item) => item.click_id)).toEqual([clickId]);
  });

  it('a hanging DynamoDB (for the writes) still sends the shopper on, the click kept by the queue copy', async () => {
    await seed(link({ short_code: 'ddbhangs' }));
    const hangingDynamoDb = new DynamoDBClient(hangingClientOptions());
    const redirect = createRedirect({
      links: createDynamoDbLinkStore({ client: aws.dynamodb, tableName: aws.tableNames.links }),
      clicks: createDynamoDbClickStore({ client: hangingDynamoDb, tableName: aws.tableNames.clicks }),
      velocity: {
        counter: createDynamoDbRequestRateCounter({ client: hangingDynamoDb, tableName: aws.tableNames.clicks }),
        limits: { perVisitorPerLink: 100, perIpPerLink: 100 },
      },
      queue: createSqsClickQueue({ client: aws.sqs, queueUrl: aws.clicksQueueUrl }),
      config: { publicBaseUrl: 'https://go.example.com', repeatClickWindowSeconds: 3600 },
      now: () => new Date(nowMs),
      log,
    });
    const result = await redirect(request('ddbhangs', { ip: '198.51.100.61' }));
    expect(result.statusCode).toBe(302);
    const clickId = new URL(String(result.headers?.location)).searchParams.get('aff_click_id');
    expect((await recorded('ddbhangs')).messages.map((message) => message.click_id)).toEqual([clickId]);
    expect(logged.map((entry) => entry.message)).toContain('click_store_failed');
  });
});
