// Over 300 lines: the hot path in one module on purpose (one bundle, one cold start): request facts, the failure policy, cookie and 302, each step a small function.
/**
 * `GET /{short_code}` (and HEAD): the shopper-facing redirect. Budget: one DynamoDB read (usually
 * none, thanks to the warm cache), one counter update (velocity), one conditional write, then one
 * write and one SQS send in parallel. Never touches Aurora.
 *
 * Decisions:
 * - The destination only ever comes from the stored link (validated again here); the request's
 *   query string is ignored entirely.
 * - HEAD requests and known bots/previews are redirected (previews must resolve) but not counted:
 *   no click id, no cookie, no write.
 * - The visitor is the connection's address unless the request carries CloudFront's
 *   origin-verify secret: only then are `CloudFront-Viewer-Address` and `-Country` believed
 *   (`readViewer`). The secret is read from Secrets Manager (cached), never from the environment.
 * - Velocity: more requests per minute from one visitor, or one address prefix, on one link than
 *   the limits allow are redirected without a click id or cookie and recorded only on the queue
 *   with `filter_reason: 'velocity'` (Aurora counts them by reason; they earn nothing). The rule
 *   runs here, on a DynamoDB counter, rather than in click ingestion: the click id must not be
 *   handed out (nor the journey written) for a click that will not count. See docs/trust.md.
 * - A repeat from the same visitor (truncated IP + user agent) on the same link inside the window
 *   is redirected with the first visit's click id and cookie, and not counted again.
 * - Metrics: `ClicksCounted` (at least one copy written), `ClicksFiltered` by `reason` (head,
 *   bot, velocity, repeat), `ClicksLost` (both writes failed).
 * - If recording fails (DynamoDB or SQS error), the shopper is still redirected and the error is
 *   logged: losing a shopper's visit to the merchant costs more than one click row. The two
 *   writes are independent copies of the same record, so either one carries the click: the queue
 *   copy reaches Aurora through ingest-clicks; the hot-store copy keeps the journey and lets
 *   attribution write a missing click row (idempotent on the click id) when a conversion names it.
 *   Only when both fail is the click lost, and that is logged as `click_lost`.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { validate as uuidValidate, version as uuidVersion } from 'uuid';
// zod/mini: tree-shakable, so the redirect bundle carries only the validators it uses.
import * as z from 'zod/mini';
import { createDynamoDbClickStore } from '../adapters/aws/dynamodb-click-store.js';
import { createDynamoDbLinkStore } from '../adapters/aws/dynamodb-link-store.js';
import { createSqsClickQueue } from '../adapters/aws/sqs-click-queue.js';
import { createDynamoDbRequestRateCounter } from '../adapters/aws/dynamodb-request-rate-counter.js';
import { buildClick, cookieMaxAgeSeconds, visitorHashFor, type ClickRequestFacts } from '../domain/clicks/build-click.js';
import { isBotUserAgent } from '../domain/clicks/is-bot-user-agent.js';
import { truncateIp } from '../domain/clicks/truncate-ip.js';
import { DEFAULT_VELOCITY_LIMITS, velocityVerdict, type VelocityLimits } from '../domain/clicks/velocity-verdict.js';
import { prepareLinkDestination, type PrepareLinkDestinationResult } from '../domain/links/prepare-link-destination.js';
import { createCachedLinkStore } from '../domain/links/create-cached-link-store.js';
import { platformDepsWithoutDatabaseFromEnv, type AwsClientConfig, type PlatformConfig, type PlatformDeps } from '../platform/composition-root.js';
import { lazyUntracedHandler } from '../platform/lazy-untraced-handler.js';
import { errorFields } from '../platform/error-fields.js';
import { newUuidV7 } from '../platform/new-uuid-v7.js';
import { createViewerReader, originVerifyFor, type OriginVerify } from '../platform/origin-verified-viewer.js';
import { silentLogger, silentMetrics } from '../platform/silent-telemetry.js';
import type { BusinessMetrics } from '../ports/business-metrics.js';
import type { Logger } from '../ports/logger.js';
import type { ClickQueue } from '../ports/click-queue.js';
import type { ClickStore } from '../ports/click-store.js';
import type { LinkItem, LinkStore } from '../ports/link-store.js';
import type { RequestRateCounter } from '../ports/request-rate-counter.js';

export const COOKIE_NAME = 'aff_cid';
/** Hot-store clicks outlive the cookie by a day so a late conversion still finds its journey. */
const HOT_STORE_GRACE_SECONDS = 86_400;
const SHORT_CODE = /^[A-Za-z0-9_-]{1,50}$/;
/** Where a disabled per-prefix rule still stops a counter item growing (see the rate counter). */
const IP_COUNT_CAP_WHEN_OFF = 1_000;

export type RedirectEvent = APIGatewayProxyEventV2;
export type RedirectResult = APIGatewayProxyStructuredResultV2;

/** Why a request was redirected without counting a click (the `reason` dimension of `ClicksFiltered`). */
export type ClickFilterReason = 'head' | 'bot' | 'velocity' | 'repeat';

export interface RedirectDeps {
  links: LinkStore;
  clicks: ClickStore;
  queue: ClickQueue;
  config: Pick<PlatformConfig, 'publicBaseUrl' | 'repeatClickWindowSeconds'>;
  now: () => Date;
  newClickId?: () => string;
  newCookieId?: () => string;
  /** The function's logger (the one `Logger` port). @default silentLogger */
  log?: Pick<Logger, 'warn' | 'error'>;
  /** `ClicksCounted`, `ClicksFiltered` by reason, `ClicksLost`. @default silentMetrics */
  metrics?: BusinessMetrics;
  /** The origin-verify secret CloudFront sends. Absent: no request is verified, viewer headers are never believed. */
  originVerify?: OriginVerify;
  /** The velocity rules. Absent: none (benchmarks and tests about something else). */
  velocity?: { counter: RequestRateCounter; limits: VelocityLimits };
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

/** The headers by lower-case name; `headers` itself (already a parsed copy, never written) when they are so already, as API Gateway sends them. */
function lowerCaseHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string | undefined> {
  if (headers === undefined) return {};
  let lowerCase = true;
  for (const name in headers) {
    if (name !== name.toLowerCase()) {
      lowerCase = false;
      break;
    }
  }
  if (lowerCase) return headers;
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}

type DestinationFields = Pick<LinkItem, 'destination_url' | 'utm_params' | 'custom_params' | 'cookie_duration_days'>;

function destinationFields(link: LinkItem): DestinationFields {
  return { destination_url: link.destination_url, utm_params: link.utm_params, custom_params: link.custom_params, cookie_duration_days: link.cookie_duration_days };
}

function sameDestinationFields(a: DestinationFields, b: LinkItem): boolean {
  return a.destination_url === b.destination_url && a.utm_params === b.utm_params && a.custom_params === b.custom_params && a.cookie_duration_days === b.cookie_duration_days;
}

/** The redirect itself, on ports: used by `createHandler` and by the benchmarks with in-memory ports. */
export function createRedirect(deps: RedirectDeps): (event: RedirectEvent) => Promise<RedirectResult> {
  const log = deps.log ?? silentLogger;
  const metrics = deps.metrics ?? silentMetrics;
  const filtered = (reason: ClickFilterReason) => metrics.add('ClicksFiltered', 1, { reason });
  const newClickId = deps.newClickId ?? (() => newUuidV7());
  const newCookieId = deps.newCookieId ?? (() => randomUUID());
  const secure = deps.config.publicBaseUrl.startsWith('https:');
  const windowSeconds = deps.config.repeatClickWindowSeconds;
  const viewerOf = createViewerReader({ originVerify: deps.originVerify, now: deps.now, log });
  /**
   * Each link's checked destination, kept beside the link object: the cached link store hands back
   * the same object while it serves it from memory, so the work is done once per link and cache
   * period, and forgotten with the object. The fields it came from are compared as well, so an
   * item changed in place is prepared again.
   */
  const prepared = new WeakMap<LinkItem, { fields: DestinationFields; result: PrepareLinkDestinationResult }>();

  function destinationOf(link: LinkItem): PrepareLinkDestinationResult {
    const known = prepared.get(link);
    if (known && sameDestinationFields(known.fields, link)) return known.result;
    const fields = destinationFields(link);
    const result = prepareLinkDestination({
      destinationUrl: link.destination_url,
      utmParams: link.utm_params,
      customParams: link.custom_params,
      cookieWindowDays: link.cookie_duration_days,
    });
    prepared.set(link, { fields, result });
    return result;
  }

  function cookieHeader(cookieId: string, maxAgeSeconds: number): string {
    return `${COOKIE_NAME}=${cookieId}; Max-Age=${maxAgeSeconds}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  }

  /** The velocity rule this request breaks, if any; a counter failure counts the click rather than lose it. */
  async function velocityBroken(shortCode: string, facts: ClickRequestFacts, visitorHash: string, now: Date): Promise<'visitor' | 'ip' | null> {
    if (!deps.velocity) return null;
    const { counter, limits } = deps.velocity;
    try {
      const counts = await counter.count({
        shortCode,
        ipPrefix: truncateIp(facts.sourceIp),
        visitorHash,
        now,
        ipCap: limits.perIpPerLink > 0 ? limits.perIpPerLink : IP_COUNT_CAP_WHEN_OFF,
      });
      return velocityVerdict({ counts, limits });
    } catch (error) {
      log.error('velocity_count_failed', { short_code: shortCode, ...errorFields(error) });
      return null;
    }
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
    // The same rule the API applied when the link was created: a bad value that reached the hot
    // store by any route is still refused.
    const checked = destinationOf(link);
    if (!checked.ok) {
      log.warn('link_destination_refused', { short_code: shortCode, reason: checked.reason });
      return notFound();
    }
    const destination = checked.destination;

    const headers = lowerCaseHeaders(event.headers);
    const userAgent = headers['user-agent'] ?? null;
    // HEAD requests are link previews and health checks, not clicks; bots are never counted.
    if (method === 'HEAD' || isBotUserAgent(userAgent)) {
      filtered(method === 'HEAD' ? 'head' : 'bot');
      return found(destination.withoutClick);
    }

    const viewer = await viewerOf(headers, event.requestContext.http.sourceIp);
    const facts: ClickRequestFacts = {
      sourceIp: viewer.sourceIp,
      userAgent,
      referrer: headers.referer ?? null,
      viewerCountry: viewer.viewerCountry,
    };
    const now = deps.now();
    const browserCookieId = readCookieId(event.cookies, headers.cookie);
    let cookieId = browserCookieId ?? newCookieId();
    const clickId = newClickId();
    const maxAge = cookieMaxAgeSeconds(link);
    const visitorHash = visitorHashFor(facts, shortCode);
    // The click's own visitor hash is taken over the link's short code: the same one, reused.
    const clickVisitorHash = link.short_code === shortCode ? visitorHash : undefined;

    const rule = await velocityBroken(shortCode, facts, visitorHash, now);
    if (rule) {
      // Redirected like a bot (no click id, no cookie, nothing in the hot store), but recorded
      // with its reason so the flood is countable in Aurora.
      const location = destination.withoutClick;
      const flood = {
        ...buildClick({ link, facts, clickId, cookieId, destination: destination.utm, now, visitorHash: clickVisitorHash }),
        filter_reason: 'velocity' as const,
      };
      filtered('velocity');
      try {
        await deps.queue.send(flood);
      } catch (error) {
        log.error('click_send_failed', { click_id: clickId, correlation_id: clickId, filter_reason: 'velocity', ...errorFields(error) });
      }
      return found(location);
    }

    try {
      const visit = await deps.clicks.recordVisit({
        shortCode,
        visitorHash,
        clickId,
        cookieId,
        now,
        windowSeconds,
      });
      if (!visit.firstInWindow) {
        filtered('repeat');
        cookieId = browserCookieId ?? (isUuidV4(visit.cookieId) ? visit.cookieId : cookieId);
        return found(destination.withClick(visit.clickId ?? clickId), cookieHeader(cookieId, maxAge));
      }
    } catch (error) {
      // Without the marker we cannot tell a repeat: count the click rather than lose it.
      log.error('visit_marker_failed', { short_code: shortCode, ...errorFields(error) });
    }

    const location = destination.withClick(clickId);
    const click = buildClick({ link, facts, clickId, cookieId, destination: destination.utm, now, visitorHash: clickVisitorHash });
    const expiresAt = new Date(now.getTime() + (maxAge + HOT_STORE_GRACE_SECONDS) * 1000);
    const [stored, sent] = await Promise.allSettled([deps.clicks.put(click, { expiresAt }), deps.queue.send(click)]);
    if (stored.status === 'rejected') log.error('click_store_failed', { click_id: clickId, correlation_id: clickId, ...errorFields(stored.reason) });
    if (sent.status === 'rejected') log.error('click_send_failed', { click_id: clickId, correlation_id: clickId, ...errorFields(sent.reason) });
    if (stored.status === 'rejected' && sent.status === 'rejected') {
      log.error('click_lost', { click_id: clickId, correlation_id: clickId, short_code: shortCode });
      metrics.add('ClicksLost', 1);
    } else {
      metrics.add('ClicksCounted', 1);
    }
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
    log: deps.logger ?? silentLogger,
    metrics: deps.metrics ?? silentMetrics,
    originVerify: originVerifyFor(deps),
    velocity: {
      counter: createDynamoDbRequestRateCounter({ client: deps.dynamodb, tableName: deps.config.tableNames.clicks }),
      limits: deps.config.velocityLimits ?? DEFAULT_VELOCITY_LIMITS,
    },
  });
  // The Powertools middlewares wrap this on Lambda (lazyUntracedHandler) and locally (the runner).
  return (event) => redirect(event);
}

/**
 * The redirect's DynamoDB and SQS clients give up long before its own 5 s timeout: a hanging
 * dependency costs at most two attempts of 100 ms connect + 300 ms in all (plus one retry delay)
 * per call, about 0.9 s, and the redirect makes at most three such calls one after another (velocity
 * counter, visit marker, then the click write and send together), so the shopper is still sent on
 * and the click recorded by whichever write made it. A healthy call answers in a few ms.
 */
export const redirectAwsClientConfig = {
  maxAttempts: 2,
  // Without throwOnRequestTimeout a passed requestTimeout is only logged, and the call hangs on.
  requestHandler: { connectionTimeout: 100, requestTimeout: 300, throwOnRequestTimeout: true },
} as const satisfies AwsClientConfig;

// Untraced: X-Ray would double the bundle and add a segment per call to a path that answers in a
// few ms (docs/operations.md "Tracing"); its logs and metrics are the same as every function's.
export const handler = lazyUntracedHandler(() => createHandler(platformDepsWithoutDatabaseFromEnv(process.env, redirectAwsClientConfig)));
