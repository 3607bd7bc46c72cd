/**
 * `GET /{short_code}` (and HEAD): the shopper-facing redirect. Budget: one DynamoDB read (usually
 * none, thanks to the warm cache), one conditional write, then one write and one SQS send in
 * parallel. Never touches Aurora.
 *
 * Decisions:
 * - The destination only ever comes from the stored link (validated again here); the request's
 *   query string is ignored entirely.
 * - HEAD requests and known bots/previews are redirected (previews must resolve) but not counted:
 *   no click id, no cookie, no write.
 * - A repeat from the same visitor (truncated IP + user agent) on the same link inside the window
 *   is redirected with the first visit's click id and cookie, and not counted again.
 * - If recording fails (DynamoDB or SQS error), the shopper is still redirected and the error is
 *   logged: losing a shopper's visit to the merchant costs more than one click row. The two
 *   writes are independent copies of the same record, so either one carries the click: the queue
 *   copy reaches Aurora through ingest-clicks; the hot-store copy keeps the journey and lets
 *   attribution write a missing click row (idempotent on the click id) when a conversion names it.
 *   Only when both fail is the click lost, and that is logged as `click_lost`.
 */
import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { v7 as uuidv7, validate as uuidValidate, version as uuidVersion } from 'uuid';
// zod/mini: tree-shakable, so the redirect bundle carries only the validators it uses.
import * as z from 'zod/mini';
import { createDynamoDbClickStore } from '../adapters/aws/dynamodb-click-store.js';
import { createDynamoDbLinkStore } from '../adapters/aws/dynamodb-link-store.js';
import { createSqsClickQueue } from '../adapters/aws/sqs-click-queue.js';
import { buildClick, cookieMaxAgeSeconds, visitorHashFor, type ClickRequestFacts } from '../domain/clicks/build-click.js';
import { isBotUserAgent } from '../domain/clicks/is-bot-user-agent.js';
import { buildDestinationUrl } from '../domain/links/build-destination-url.js';
import { createCachedLinkStore } from '../domain/links/create-cached-link-store.js';
import { validateDestinationUrl } from '../domain/links/validate-destination-url.js';
import { platformDepsFromEnv, type PlatformConfig, type PlatformDeps } from '../platform/composition-root.js';
import { lazyHandler } from '../platform/lambda-handler.js';
import type { ClickQueue } from '../ports/click-queue.js';
import type { ClickStore } from '../ports/click-store.js';
import type { LinkStore } from '../ports/link-store.js';

export const COOKIE_NAME = 'aff_cid';
/** Hot-store clicks outlive the cookie by a day so a late conversion still finds its journey. */
const HOT_STORE_GRACE_SECONDS = 86_400;
const SHORT_CODE = /^[A-Za-z0-9_-]{1,50}$/;

export type RedirectEvent = APIGatewayProxyEventV2;
export type RedirectResult = APIGatewayProxyStructuredResultV2;

export interface RedirectLogger {
  error(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
}

const jsonLogger: RedirectLogger = {
  error: (message, fields) => console.error(JSON.stringify({ level: 'error', message, ...fields })),
  warn: (message, fields) => console.warn(JSON.stringify({ level: 'warn', message, ...fields })),
};

export interface RedirectDeps {
  links: LinkStore;
  clicks: ClickStore;
  queue: ClickQueue;
  config: Pick<PlatformConfig, 'publicBaseUrl' | 'repeatClickWindowSeconds'>;
  now: () => Date;
  newClickId?: () => string;
  newCookieId?: () => string;
  log?: RedirectLogger;
}

/** The part of the HTTP API v2 event the redirect reads. Unknown fields are ignored. */
const redirectEventSchema = z.object({
  requestContext: z.object({
    http: z.object({ method: z.string(), sourceIp: z.optional(z.string()) }),
  }),
  pathParameters: z.optional(z.record(z.string(), z.optional(z.string()))),
  rawPath: z.optional(z.string()),
  headers: z.optional(z.record(z.string(), z.optional(z.string()))),
  cookies: z.optional(z.array(z.string())),
});

const NOT_FOUND_HTML =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">' +
  '<title>Link not found</title></head><body><h1>Link not found</h1>' +
  '<p>This link does not exist or is no longer active.</p></body></html>';

function notFound(): RedirectResult {
  return {
    statusCode: 404,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body: NOT_FOUND_HTML,
  };
}

function unavailable(): RedirectResult {
  return {
    statusCode: 503,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'retry-after': '1' },
    body: '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Try again</title></head><body><h1>Please try again</h1></body></html>',
  };
}

function found(location: string, cookie?: string): RedirectResult {
  return {
    statusCode: 302,
    headers: { location, 'cache-control': 'no-store', 'referrer-policy': 'strict-origin-when-cross-origin' },
    ...(cookie ? { cookies: [cookie] } : {}),
    body: '',
  };
}

function isUuidV4(value: string | undefined): value is string {
  return value !== undefined && uuidValidate(value) && uuidVersion(value) === 4;
}

/** The `aff_cid` value the browser sent, from the v2 `cookies` array or a raw Cookie header. */
function readCookieId(cookies: string[] | undefined, cookieHeader: string | undefined): string | undefined {
  const pairs = cookies ?? (cookieHeader ? cookieHeader.split(';') : []);
  for (const pair of pairs) {
    const separator = pair.indexOf('=');
    if (separator === -1) continue;
    if (pair.slice(0, separator).trim() !== COOKIE_NAME) continue;
    const value = pair.slice(separator + 1).trim().toLowerCase();
    if (isUuidV4(value)) return value;
  }
  return undefined;
}

/**
 * The viewer's address: CloudFront's `CloudFront-Viewer-Address` (`ip:port`) when present, else the
 * address API Gateway saw (the local gateway's client, or CloudFront's edge when the origin request
 * policy does not forward the header). `X-Forwarded-For` is not trusted: its first entry is the
 * client's to write.
 */
function readSourceIp(headers: Record<string, string | undefined>, sourceIp: string | undefined): string | null {
  const viewer = headers['cloudfront-viewer-address'];
  if (viewer) {
    const separator = viewer.lastIndexOf(':');
    const ip = (separator === -1 ? viewer : viewer.slice(0, separator)).replace(/^\[|\]$/g, '');
    if (ip) return ip;
  }
  return sourceIp ?? null;
}

function lowerCaseHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}

function errorFields(error: unknown): Record<string, unknown> {
  return error instanceof Error ? { error: error.name, detail: error.message } : { error: String(error) };
}

/** The redirect itself, on ports: used by `createHandler` and by the benchmarks with in-memory ports. */
export function createRedirect(deps: RedirectDeps): (event: RedirectEvent) => Promise<RedirectResult> {
  const log = deps.log ?? jsonLogger;
  const newClickId = deps.newClickId ?? (() => uuidv7());
  const newCookieId = deps.newCookieId ?? (() => randomUUID());
  const secure = deps.config.publicBaseUrl.startsWith('https:');
  const windowSeconds = deps.config.repeatClickWindowSeconds;

  function cookieHeader(cookieId: string, maxAgeSeconds: number): string {
    return `${COOKIE_NAME}=${cookieId}; Max-Age=${maxAgeSeconds}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  }

  return async (rawEvent) => {
    const parsed = redirectEventSchema.safeParse(rawEvent);
    if (!parsed.success) return notFound();
    const event = parsed.data;
    const method = event.requestContext.http.method.toUpperCase();
    const shortCode = event.pathParameters?.short_code ?? event.rawPath?.replace(/^\//, '') ?? '';
    if ((method !== 'GET' && method !== 'HEAD') || !SHORT_CODE.test(shortCode)) return notFound();

    let link;
    try {
      link = await deps.links.get(shortCode);
    } catch (error) {
      log.error('link_lookup_failed', { short_code: shortCode, ...errorFields(error) });
      return unavailable();
    }
    // Unknown, deleted, paused or removed: 404 and nothing recorded.
    if (!link || link.status !== 'active') return notFound();
    const destination = validateDestinationUrl(link.destination_url);
    if (!destination.ok) {
      log.warn('link_destination_refused', { short_code: shortCode, reason: destination.reason });
      return notFound();
    }

    const headers = lowerCaseHeaders(event.headers);
    const userAgent = headers['user-agent'] ?? null;
    const params = { destinationUrl: destination.url, utmParams: link.utm_params, customParams: link.custom_params };
    // HEAD requests are link previews and health checks, not clicks; bots are never counted.
    if (method === 'HEAD' || isBotUserAgent(userAgent)) return found(buildDestinationUrl(params));

    const facts: ClickRequestFacts = {
      sourceIp: readSourceIp(headers, event.requestContext.http.sourceIp),
      userAgent,
      referrer: headers.referer ?? null,
      viewerCountry: headers['cloudfront-viewer-country'] ?? null,
    };
    const now = deps.now();
    const browserCookieId = readCookieId(event.cookies, headers.cookie);
    let cookieId = browserCookieId ?? newCookieId();
    const clickId = newClickId();
    const maxAge = cookieMaxAgeSeconds(link);

    try {
      const visit = await deps.clicks.recordVisit({
        shortCode,
        visitorHash: visitorHashFor(facts, shortCode),
        clickId,
        cookieId,
        now,
        windowSeconds,
      });
      if (!visit.firstInWindow) {
        cookieId = browserCookieId ?? (isUuidV4(visit.cookieId) ? visit.cookieId : cookieId);
        const location = buildDestinationUrl({ ...params, clickId: visit.clickId ?? clickId, cookieWindowDays: link.cookie_duration_days });
        return found(location, cookieHeader(cookieId, maxAge));
      }
    } catch (error) {
      // Without the marker we cannot tell a repeat: count the click rather than lose it.
      log.error('visit_marker_failed', { short_code: shortCode, ...errorFields(error) });
    }

    const location = buildDestinationUrl({ ...params, clickId, cookieWindowDays: link.cookie_duration_days });
    const click = buildClick({ link, facts, clickId, cookieId, destination: new URL(location), now });
    const expiresAt = new Date(now.getTime() + (maxAge + HOT_STORE_GRACE_SECONDS) * 1000);
    const [stored, sent] = await Promise.allSettled([deps.clicks.put(click, { expiresAt }), deps.queue.send(click)]);
    if (stored.status === 'rejected') log.error('click_store_failed', { click_id: clickId, ...errorFields(stored.reason) });
    if (sent.status === 'rejected') log.error('click_send_failed', { click_id: clickId, ...errorFields(sent.reason) });
    if (stored.status === 'rejected' && sent.status === 'rejected') log.error('click_lost', { click_id: clickId, short_code: shortCode });
    return found(location, cookieHeader(cookieId, maxAge));
  };
}

/** The Lambda handler on the platform's clients: DynamoDB links (cached) and clicks, SQS clicks queue. */
export function createHandler(deps: PlatformDeps): (event: RedirectEvent, context?: unknown) => Promise<RedirectResult> {
  const redirect = createRedirect({
    links: createCachedLinkStore({
      store: createDynamoDbLinkStore({ client: deps.dynamodb, tableName: deps.config.tableNames.links }),
      now: deps.now,
    }),
    clicks: createDynamoDbClickStore({ client: deps.dynamodb, tableName: deps.config.tableNames.clicks }),
    // `?? ''`: while lib/resources.ts's QueueName type is circular, the record is indexed loosely.
    queue: createSqsClickQueue({ client: deps.sqs, queueUrl: deps.config.queueUrls.clicks ?? '' }),
    config: deps.config,
    now: deps.now,
  });
  const wrapped = middy<RedirectEvent, RedirectResult>().handler((event) => redirect(event));
  return (event, context) => wrapped(event, (context ?? {}) as never);
}

export const handler = lazyHandler(() => createHandler(platformDepsFromEnv()));
