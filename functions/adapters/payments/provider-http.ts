/**
 * The HTTP plumbing the Stripe and PayPal adapters share: one attempt with a hard timeout, and
 * retries of retryable failures through p-retry. Every retry re-sends byte-identical requests
 * with the SAME idempotency key; nothing here ever mints a key.
 */
import pRetry from 'p-retry';
import { currencyExponent, formatAmount } from '../../domain/money/currency.js';
import { rescaleMinorUnits } from '../../domain/money/rescale-minor-units.js';
import { PayoutProviderError, type PayoutProviderName } from '../../ports/payout-provider.js';

/** The global `fetch` or a stand-in with the same shape (tests replay recorded responses). */
export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpAdapterOptions {
  /** Injected so tests and the local runner never reach the network. */
  fetch: FetchFn;
  /** Provider API base without a trailing slash, e.g. a sandbox. */
  baseUrl?: string;
  /**
   * Per HTTP attempt, including reading the body.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * Retries after the first attempt, for retryable failures only (timeout, network, 409, 429, 5xx).
   * @default 3
   */
  retries?: number;
  /**
   * First backoff delay; p-retry doubles it up to `retryMaxDelayMs` with jitter. Tests pass 0.
   * @default 500
   */
  retryMinDelayMs?: number;
  /** @default 5000 */
  retryMaxDelayMs?: number;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: unknown;
}

/** Runs `attempt` until it resolves, a non-retryable error is thrown, or retries run out. */
export function withRetries<T>(options: HttpAdapterOptions, attempt: (attemptNumber: number) => Promise<T>): Promise<T> {
  const minTimeout = options.retryMinDelayMs ?? 500;
  return pRetry(attempt, {
    retries: options.retries ?? 3,
    minTimeout,
    maxTimeout: Math.max(minTimeout, options.retryMaxDelayMs ?? 5000),
    factor: 2,
    randomize: minTimeout > 0,
    // Anything that is not a typed provider error is a bug in the adapter: surface it at once.
    shouldRetry: (error) => error instanceof PayoutProviderError && error.retryable,
  });
}

/**
 * One HTTP exchange under `AbortSignal.timeout`. Transport failures become retryable
 * `PayoutProviderError`s with an unknown outcome (the request may have been executed); HTTP
 * error statuses are returned for the caller to map, since each provider words them differently.
 */
export async function exchange(
  options: HttpAdapterOptions,
  provider: PayoutProviderName,
  url: string,
  init: Omit<RequestInit, 'signal'>,
): Promise<HttpAnswer> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await options.fetch(url, { ...init, signal });
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new PayoutProviderError({
      provider,
      reason: timedOut ? 'timeout' : 'network',
      retryable: true,
      outcome: 'unknown',
      message: timedOut
        ? `${provider}: no answer from ${init.method ?? 'GET'} ${new URL(url).pathname} within ${timeoutMs} ms`
        : `${provider}: ${init.method ?? 'GET'} ${new URL(url).pathname} failed before an answer`,
      cause: error,
    });
  }
  let body: unknown = text;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      // Gateways answer 502/504 with HTML; keep the text for the failure record.
    }
  }
  return { status: response.status, headers: response.headers, body };
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const stringField = (value: unknown, key: string): string | undefined => {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return typeof field === 'string' ? field : undefined;
};

/** Requests that must never reach a provider: checked before the first HTTP attempt. */
/**
 * The payout's amount (ISO 4217 minor units of its currency) in a provider's own unit for that
 * currency, exactly; an amount the provider's unit cannot hold (HUF 123.45 where PayPal takes
 * whole forints) is refused, never rounded.
 */
export function providerMinorUnits(provider: PayoutProviderName, request: { amountCents: bigint; currency: string; payoutId: number }, providerExponent: (currency: string) => number): bigint {
  const currency = request.currency.toUpperCase();
  try {
    return rescaleMinorUnits(request.amountCents, currencyExponent(currency), providerExponent(currency));
  } catch (cause) {
    throw new PayoutProviderError({
      provider,
      reason: 'invalid_request',
      retryable: false,
      outcome: 'not_paid',
      message: `${provider}: payout ${request.payoutId} of ${formatAmount(request.amountCents, currency)} ${currency} cannot be sent in ${provider}'s unit of ${currency}`,
      cause,
    });
  }
}

export function assertPositiveAmount(provider: PayoutProviderName, amountCents: bigint): void {
  if (amountCents <= 0n) {
    throw new PayoutProviderError({
      provider,
      reason: 'invalid_request',
      retryable: false,
      outcome: 'not_paid',
      message: `${provider}: payout amount must be positive, got ${amountCents}`,
    });
  }
}
