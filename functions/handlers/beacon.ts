/**
 * The first-party beacon on the short-link domain: `GET /e.gif?event=page_view&aff_click_id=…`
 * (an image pixel) and `POST /e` (what `navigator.sendBeacon` sends: a text/plain body, here JSON
 * or form-encoded), plus the `OPTIONS /e` preflight of a `fetch` with a JSON body. A shop reports
 * funnel events (page_view, add_to_cart) of a visitor who came through a partner link.
 *
 * Decisions (docs/campaign-edits-and-events.md):
 * - Identity is the click: `aff_click_id` (the id the redirect appended to the landing URL, which
 *   the shop keeps first-party) or else the `aff_cid` cookie of this domain (sent only when the
 *   shop is same-site with the short-link domain). The vendor is the click's vendor in the hot
 *   store, never a vendor id the browser writes: an unknown or expired click records nothing.
 * - Hot path like the redirect: one DynamoDB read (the click, or the cookie's latest click) and
 *   one SQS send to the conversions queue; never Aurora. The consumer adds the event to the
 *   visitor's journey; the message is marked `funnel_only`, so a browser can never make a
 *   commissionable conversion (a `sale` sent here is ignored by the consumer).
 * - Bots (the redirect's check) and HEAD are answered and not recorded.
 * - Answers are fast and tell the browser nothing about the click: 204 (POST) or a 1x1 GIF (GET)
 *   whether recorded or not; 400 only for malformed input; 503 when the hot store or the queue
 *   failed (retry).
 * - CORS: the shop's origin is echoed with credentials allowed, so `fetch(…, {credentials:
 *   'include'})` works too; sendBeacon with text/plain needs no preflight.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { validate as uuidValidate } from 'uuid';
import * as z from 'zod/mini';
import { createSqsConversionQueue, type ConversionQueue } from '../adapters/aws/conversion-queue.js';
import { createDynamoDbClickStore } from '../adapters/aws/dynamodb-click-store.js';
import { isBotUserAgent } from '../domain/clicks/is-bot-user-agent.js';
import { platformDepsWithoutDatabaseFromEnv, type PlatformDeps } from '../platform/composition-root.js';
import { lazyHandler } from '../platform/lambda-handler.js';
import { silentLogger } from '../platform/silent-telemetry.js';
import type { Logger } from '../ports/logger.js';
import type { ClickStore, StoredClick } from '../ports/click-store.js';
import type { ConversionMessage } from '../ports/conversion-message.js';
import { COOKIE_NAME } from './redirect.js';

export type BeaconEvent = APIGatewayProxyEventV2;
export type BeaconResult = APIGatewayProxyStructuredResultV2;

export interface BeaconDeps {
  clicks: ClickStore;
  queue: ConversionQueue;
  now: () => Date;
  /** The function's logger (the one `Logger` port). @default silentLogger */
  log?: Pick<Logger, 'error'>;
}

/** The smallest transparent GIF (1x1, 43 bytes). */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const MAX_BODY_BYTES = 4096;

/** An event type name as conversion_event_types spells them; whether it is a funnel stage is the consumer's call. */
const eventName = z.string().check(z.regex(/^[a-z][a-z0-9_]{0,49}$/));
const beaconFields = z.object({
  event: eventName,
  aff_click_id: z.optional(z.string().check(z.refine((v) => uuidValidate(v), 'a click id (UUID)'))),
  /** The page's path (query and fragment dropped: they may carry personal data). */
  page: z.optional(z.string().check(z.maxLength(2000))),
  /** e.g. the cart value of an add_to_cart, as a decimal string. */
  value: z.optional(z.string().check(z.regex(/^\d{1,8}(\.\d{1,3})?$/))),
  currency: z.optional(z.string().check(z.regex(/^[A-Za-z]{3}$/))),
});
type BeaconFields = z.infer<typeof beaconFields>;

const beaconEventSchema = z.object({
  requestContext: z.object({ http: z.object({ method: z.string() }) }),
  rawPath: z.optional(z.string()),
  rawQueryString: z.optional(z.string()),
  headers: z.optional(z.record(z.string(), z.optional(z.string()))),
  cookies: z.optional(z.array(z.string())),
  body: z.optional(z.string()),
  isBase64Encoded: z.optional(z.boolean()),
});

function lowerCaseHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}

/** The shop's origin echoed (an opaque or missing origin gets none): the body says nothing, credentials may ride along. */
function corsHeaders(origin: string | undefined): Record<string, string> {
  const allowed = origin !== undefined && /^https?:\/\/[^/\s]+$/i.test(origin);
  return {
    vary: 'Origin',
    ...(allowed ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' } : {}),
  };
}

/** A problem+json answer (RFC 9457), as every other route of the platform refuses. */
function problem(status: 400 | 503, detail: string, headers: Record<string, string>): BeaconResult {
  return {
    statusCode: status,
    headers: { ...headers, 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...(status === 503 ? { 'retry-after': '1' } : {}) },
    body: JSON.stringify({ type: 'about:blank', title: status === 400 ? 'Bad Request' : 'Service Unavailable', status, detail }),
  };
}

/** The click cookie's value from the v2 `cookies` array or a raw Cookie header (lower-cased UUID). */
function readClickCookie(cookies: string[] | undefined, cookieHeader: string | undefined): string | undefined {
  for (const pair of cookies ?? cookieHeader?.split(';') ?? []) {
    const separator = pair.indexOf('=');
    if (separator === -1 || pair.slice(0, separator).trim() !== COOKIE_NAME) continue;
    const value = pair.slice(separator + 1).trim().toLowerCase();
    if (uuidValidate(value)) return value;
  }
  return undefined;
}

/** The body sendBeacon sent: JSON text, or form-encoded (URLSearchParams / a form). */
function bodyFields(body: string): Record<string, unknown> | undefined {
  const text = body.trim();
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function pagePath(page: string | undefined): string | undefined {
  if (page === undefined) return undefined;
  try {
    return new URL(page, 'https://page.invalid').pathname.slice(0, 500);
  } catch {
    return undefined;
  }
}

export function createBeacon(deps: BeaconDeps): (event: BeaconEvent) => Promise<BeaconResult> {
  const log = deps.log ?? silentLogger;

  return async (rawEvent) => {
    const parsed = beaconEventSchema.safeParse(rawEvent);
    if (!parsed.success) return problem(400, 'The request is not an HTTP API event.', {});
    const event = parsed.data;
    const headers = lowerCaseHeaders(event.headers);
    const cors = corsHeaders(headers.origin);
    const method = event.requestContext.http.method.toUpperCase();
    const pixel = method === 'GET' || method === 'HEAD';
    const done = (): BeaconResult =>
      pixel
        ? {
            statusCode: 200,
            headers: { ...cors, 'content-type': 'image/gif', 'cache-control': 'no-store, max-age=0' },
            body: PIXEL.toString('base64'),
            isBase64Encoded: true,
          }
        : { statusCode: 204, headers: { ...cors, 'cache-control': 'no-store' }, body: '' };
    const refuse = (detail: string): BeaconResult => problem(400, detail, cors);

    if (method === 'OPTIONS') {
      return {
        statusCode: 204,
        headers: {
          ...cors,
          'access-control-allow-methods': 'POST, GET',
          'access-control-allow-headers': 'content-type',
          'access-control-max-age': '86400',
        },
        body: '',
      };
    }
    // HEAD is a probe, and bots (the redirect's own check) never make funnel events.
    if (method === 'HEAD' || isBotUserAgent(headers['user-agent'] ?? null)) return done();

    let raw: Record<string, unknown> | undefined;
    if (pixel) {
      raw = Object.fromEntries(new URLSearchParams(event.rawQueryString ?? ''));
    } else {
      const body = event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
      if (Buffer.byteLength(body) > MAX_BODY_BYTES) return refuse(`The body is over ${MAX_BODY_BYTES} bytes; an event needs far less.`);
      raw = bodyFields(body);
    }
    const fields = raw === undefined ? undefined : beaconFields.safeParse(raw);
    if (!fields?.success) {
      return refuse('Expected `event` (an event type name such as page_view) and optionally `aff_click_id` (UUID), `page`, `value`, `currency`.');
    }

    const now = deps.now();
    let click: StoredClick | undefined;
    try {
      click = await findClick(deps.clicks, fields.data, readClickCookie(event.cookies, headers.cookie), now);
    } catch (error) {
      // Not a "recorded" 204: the event is lost unless the page retries, so say so.
      log.error('beacon_click_lookup_failed', { error: error instanceof Error ? error.message : String(error) });
      return problem(503, 'The click could not be read; retry.', cors);
    }
    // No click we know: nothing to tie the event to (and nothing to tell the browser).
    if (!click) return done();

    const eventId = randomUUID();
    const page = pagePath(fields.data.page);
    const message: ConversionMessage = {
      kind: 'conversion',
      vendor_id: click.vendor_id,
      source: 'api',
      receipt_id: eventId,
      event_type: fields.data.event,
      transaction_id: `beacon:${eventId}`,
      occurred_at: now.toISOString(),
      click_id: click.click_id,
      ...(click.cookie_id ? { cookie_id: click.cookie_id } : {}),
      ...(fields.data.value !== undefined ? { event_value: fields.data.value } : {}),
      ...(fields.data.currency !== undefined ? { currency: fields.data.currency.toUpperCase() } : {}),
      ...(page !== undefined ? { metadata: { page } } : {}),
      funnel_only: true,
    };
    try {
      await deps.queue.send([message]);
    } catch (error) {
      log.error('beacon_send_failed', { click_id: click.click_id, correlation_id: click.click_id, error: error instanceof Error ? error.message : String(error) });
      return problem(503, 'The event could not be queued; retry.', cors);
    }
    return done();
  };
}

/** The click named by the request, else the cookie's latest click; undefined when unknown or expired. */
async function findClick(store: ClickStore, fields: BeaconFields, cookieId: string | undefined, now: Date): Promise<StoredClick | undefined> {
  if (fields.aff_click_id) return store.get(fields.aff_click_id.toLowerCase(), now);
  if (!cookieId) return undefined;
  const clicks = await store.listByCookie(cookieId, { now });
  return clicks.at(-1);
}

/** The Lambda handler on the platform's clients: DynamoDB clicks (read), SQS conversions queue. */
export function createHandler(deps: PlatformDeps): (event: BeaconEvent, context?: unknown) => Promise<BeaconResult> {
  const beacon = createBeacon({
    clicks: createDynamoDbClickStore({ client: deps.dynamodb, tableName: deps.config.tableNames.clicks }),
    queue: createSqsConversionQueue({ client: deps.sqs, queueUrl: deps.config.queueUrls.conversions ?? '' }),
    now: deps.now,
    log: deps.logger ?? silentLogger,
  });
  // The Powertools middlewares wrap this on Lambda (lazyHandler) and locally (the runner).
  return (event) => beacon(event);
}

export const handler = lazyHandler(() => createHandler(platformDepsWithoutDatabaseFromEnv()));
