// 315 lines: one adapter of one provider API (token, batch create, duplicate-batch recovery, status); its helpers only read PayPal's answers.
/**
 * PayPal Payouts: an OAuth2 client-credentials token, then one single-item batch per payout
 * (`POST /v1/payments/payouts`). PayPal answers asynchronously: a new batch is PENDING, so the
 * payout stays `processing` until `getStatus` (or a webhook) sees SUCCESS.
 *
 * Duplicates, twice guarded: `sender_batch_header.sender_batch_id` is the payout key (PayPal pays
 * a sender_batch_id at most once in 30 days and, on a repeat, refuses with a link to the original
 * batch, which we then read and return) and the `PayPal-Request-Id` header is the same key (PayPal
 * replays the original response).
 */
import { currencyExponent } from '../../domain/money/currency.js';
import { formatScaledDecimal } from '../../domain/money/index.js';
import {
  PayoutProviderError,
  type PayoutProvider,
  type PayoutProviderErrorReason,
  type PayoutSendRequest,
  type PayoutSendResult,
} from '../../ports/payout-provider.js';
import {
  assertPositiveAmount,
  exchange,
  providerMinorUnits,
  isRecord,
  stringField,
  withRetries,
  type HttpAdapterOptions,
  type HttpAnswer,
} from './provider-http.js';

export interface PayPalPayoutProviderOptions extends HttpAdapterOptions {
  clientId: string;
  /** Never logged or stored in responses. */
  clientSecret: string;
  /** Subject of the e-mail PayPal sends the partner. */
  emailSubject?: string;
  /** Milliseconds clock for token expiry; injected so tests control it. @default Date.now */
  now?: () => number;
}

const DEFAULT_BASE_URL = 'https://api-m.paypal.com';

/** PayPal refuses decimals for these; their minor unit is the whole unit. */
const ZERO_DECIMAL_CURRENCIES = new Set(['JPY', 'HUF', 'TWD']);

/** PayPal's decimals for a currency: none for its zero-decimal list, else the ISO 4217 minor unit. */
function paypalExponent(currency: string): number {
  return ZERO_DECIMAL_CURRENCIES.has(currency) ? 0 : currencyExponent(currency);
}

/** The payout as PayPal's decimal string: "5000" JPY, "12.50" EUR; HUF 12.50 is refused (PayPal takes whole forints). */
function paypalValue(amount: bigint, currency: string, payoutId: number): string {
  const exponent = paypalExponent(currency);
  return formatScaledDecimal(providerMinorUnits('paypal', { amountCents: amount, currency, payoutId }, paypalExponent), exponent);
}

/** Item/batch states that are final failures: nothing was (or stays) paid. */
const FAILED_STATES = new Set(['DENIED', 'CANCELED', 'FAILED', 'RETURNED', 'BLOCKED', 'REFUNDED', 'REVERSED']);
/** Batch states PayPal reports while it is still working. */
const PENDING_STATES = new Set(['NEW', 'PENDING', 'PROCESSING', 'ACKNOWLEDGED', 'UNCLAIMED', 'ONHOLD']);

const DESTINATION_ERRORS = new Set([
  'RECEIVER_UNREGISTERED',
  'RECEIVER_ACCOUNT_LOCKED',
  'RECEIVER_UNCONFIRMED',
  'RECEIVER_COUNTRY_NOT_ALLOWED',
  'RECEIVER_STATE_RESTRICTED',
  'RECEIVER_ACCOUNT_RESTRICTED',
  'RECEIVER_YOUTH_ACCOUNT',
]);

export class PayPalPayoutProvider implements PayoutProvider {
  readonly name = 'paypal' as const;
  private readonly baseUrl: string;
  private token: { value: string; expiresAt: number } | undefined;

  constructor(private readonly options: PayPalPayoutProviderOptions) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  }

  async send(request: PayoutSendRequest): Promise<PayoutSendResult> {
    assertPositiveAmount('paypal', request.amountCents);
    const receiver = paypalReceiver(request);
    const currency = request.currency.toUpperCase();
    const value = paypalValue(request.amountCents, currency, request.payoutId);
    // Serialised once so every attempt is byte-identical under the same PayPal-Request-Id.
    const body = JSON.stringify({
      sender_batch_header: {
        sender_batch_id: request.idempotencyKey,
        recipient_type: receiver.type,
        email_subject: this.options.emailSubject ?? 'You have a payout',
      },
      items: [
        {
          recipient_type: receiver.type,
          receiver: receiver.value,
          amount: { value, currency },
          note: request.description,
          sender_item_id: request.idempotencyKey,
        },
      ],
    });

    const outcome = await withRetries(this.options, async () => {
      const reply = await this.authorised('POST', '/v1/payments/payouts', {
        'Content-Type': 'application/json',
        'PayPal-Request-Id': request.idempotencyKey,
      }, body);
      if (reply.status >= 200 && reply.status < 300) return { kind: 'created' as const, body: reply.body };
      const original = duplicateBatchId(reply);
      if (original) return { kind: 'duplicate' as const, batchId: original };
      throw paypalError(reply);
    });
    if (outcome.kind === 'duplicate') {
      const original = await this.getStatus({ payoutId: request.payoutId, providerTransactionId: outcome.batchId });
      return assertSameBatch(original, request, { value, currency });
    }
    return batchResult(outcome.body);
  }

  /** Reads a batch (`GET /v1/payments/payouts/{payout_batch_id}`) and maps its state. */
  async getStatus({ providerTransactionId }: { payoutId: number; providerTransactionId: string }): Promise<PayoutSendResult> {
    const answer = await withRetries(this.options, async () => {
      const reply = await this.authorised('GET', `/v1/payments/payouts/${encodeURIComponent(providerTransactionId)}`, {});
      if (reply.status >= 200 && reply.status < 300) return reply;
      throw paypalError(reply);
    });
    return batchResult(answer.body);
  }

  /** One call with a bearer token; a 401 drops the cached token so the retry fetches a new one. */
  private async authorised(method: string, path: string, headers: Record<string, string>, body?: string): Promise<HttpAnswer> {
    const token = await this.accessToken();
    const reply = await exchange(this.options, 'paypal', `${this.baseUrl}${path}`, {
      method,
      headers: { ...headers, Authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { body }),
    });
    if (reply.status === 401) {
      this.token = undefined;
      throw new PayoutProviderError({
        provider: 'paypal',
        reason: 'authentication',
        // The token may just have expired early; a fresh one settles it, bad credentials fail at the token call.
        retryable: true,
        outcome: 'not_paid',
        httpStatus: 401,
        message: 'paypal: access token refused',
        providerResponse: reply.body,
      });
    }
    return reply;
  }

  private async accessToken(): Promise<string> {
    const now = (this.options.now ?? Date.now)();
    if (this.token && now < this.token.expiresAt) return this.token.value;
    const basic = Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString('base64');
    const reply = await exchange(this.options, 'paypal', `${this.baseUrl}/v1/oauth2/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    const accessToken = stringField(reply.body, 'access_token');
    if (reply.status !== 200 || !accessToken) {
      const error = paypalError(reply);
      // Refused credentials stay refused: do not burn retries on them.
      throw reply.status === 401 || reply.status === 400
        ? new PayoutProviderError({
            provider: 'paypal',
            reason: 'authentication',
            retryable: false,
            outcome: 'not_paid',
            httpStatus: reply.status,
            message: 'paypal: client credentials refused',
            providerResponse: reply.body,
          })
        : error;
    }
    const expiresIn = isRecord(reply.body) && typeof reply.body.expires_in === 'number' ? reply.body.expires_in : 0;
    // Renew a minute early so a token never expires between our check and PayPal's.
    this.token = { value: accessToken, expiresAt: now + Math.max(0, expiresIn - 60) * 1000 };
    return accessToken;
  }
}

function paypalReceiver(request: PayoutSendRequest): { type: 'PAYPAL_ID' | 'EMAIL'; value: string } {
  if (request.destination.providerAccountId) return { type: 'PAYPAL_ID', value: request.destination.providerAccountId };
  const email = request.destination.accountDetails.email;
  if (typeof email === 'string' && email.includes('@')) return { type: 'EMAIL', value: email };
  throw new PayoutProviderError({
    provider: 'paypal',
    reason: 'invalid_destination',
    retryable: false,
    outcome: 'not_paid',
    message: `paypal: payout ${request.payoutId} has neither a PayPal payer id nor an e-mail`,
  });
}

/**
 * Maps a batch (from create or read). The batch id is the transaction id. A single-item batch is
 * only as done as its item: SUCCESS with an UNCLAIMED item is still `processing`.
 */
function batchResult(body: unknown): PayoutSendResult {
  const header = isRecord(body) ? body.batch_header : undefined;
  const batchId = stringField(header, 'payout_batch_id');
  const batchStatus = stringField(header, 'batch_status');
  if (!batchId || !batchStatus) {
    throw new PayoutProviderError({
      provider: 'paypal',
      reason: 'invalid_response',
      retryable: false,
      outcome: 'unknown',
      message: 'paypal: a successful answer without a batch header',
      providerResponse: body,
    });
  }
  const items = isRecord(body) && Array.isArray(body.items) ? body.items : [];
  const itemStatus = stringField(items[0], 'transaction_status');
  const state = itemStatus ?? batchStatus;
  if (FAILED_STATES.has(batchStatus) || FAILED_STATES.has(state)) {
    throw new PayoutProviderError({
      provider: 'paypal',
      reason: 'rejected',
      retryable: false,
      outcome: 'not_paid',
      message: `paypal: batch ${batchId} ${batchStatus}${itemStatus ? `, item ${itemStatus}` : ''}`,
      providerResponse: body,
    });
  }
  const completed = batchStatus === 'SUCCESS' && (itemStatus === undefined || itemStatus === 'SUCCESS');
  if (!completed && !PENDING_STATES.has(state) && batchStatus !== 'SUCCESS') {
    throw new PayoutProviderError({
      provider: 'paypal',
      reason: 'invalid_response',
      retryable: false,
      outcome: 'unknown',
      message: `paypal: batch ${batchId} in unknown state ${state}`,
      providerResponse: body,
    });
  }
  return { status: completed ? 'completed' : 'processing', providerTransactionId: batchId, providerResponse: body };
}

/**
 * The original batch behind a reused sender_batch_id must be this payout's amount; otherwise the
 * key was reused by another database or payout and the batch is not ours to record.
 */
function assertSameBatch(
  result: PayoutSendResult,
  request: PayoutSendRequest,
  amount: { value: string; currency: string },
): PayoutSendResult {
  const header = isRecord(result.providerResponse) ? result.providerResponse.batch_header : undefined;
  const batchAmount = isRecord(header) ? header.amount : undefined;
  if (batchAmount === undefined) return result;
  if (stringField(batchAmount, 'value') === amount.value && stringField(batchAmount, 'currency') === amount.currency) return result;
  throw new PayoutProviderError({
    provider: 'paypal',
    reason: 'idempotency_conflict',
    retryable: false,
    outcome: 'unknown',
    message: `paypal: batch ${result.providerTransactionId} under sender_batch_id ${request.idempotencyKey} is not payout ${request.payoutId}'s`,
    providerResponse: result.providerResponse,
  });
}

/**
 * PayPal's refusal of a sender_batch_id used in the last 30 days names the id and links the
 * original batch; returns that batch's id.
 */
function duplicateBatchId(reply: HttpAnswer): string | undefined {
  if (reply.status < 400 || reply.status >= 500 || !isRecord(reply.body)) return undefined;
  const text = JSON.stringify([reply.body.message, reply.body.details]);
  if (!/sender_batch_id/i.test(text) || !/(already|duplicate|exists)/i.test(text)) return undefined;
  const links = Array.isArray(reply.body.links) ? reply.body.links : [];
  for (const link of links) {
    const match = /\/v1\/payments\/payouts\/([A-Za-z0-9]+)(?:[/?]|$)/.exec(stringField(link, 'href') ?? '');
    if (match?.[1]) return match[1];
  }
  return undefined;
}

/** PayPal's error body is `{ name, message, debug_id, details?, links? }`. */
function paypalError(reply: HttpAnswer): PayoutProviderError {
  const name = stringField(reply.body, 'name') ?? '';
  const message = stringField(reply.body, 'message') ?? `HTTP ${reply.status}`;
  let reason: PayoutProviderErrorReason;
  let retryable: boolean;
  let outcome: 'not_paid' | 'unknown' = 'not_paid';
  if (reply.status === 429 || name === 'RATE_LIMIT_REACHED') {
    [reason, retryable] = ['rate_limited', true];
  } else if (reply.status >= 500) {
    // PayPal: a 5xx may be retried safely with the same sender_batch_id.
    [reason, retryable, outcome] = ['provider_unavailable', true, 'unknown'];
  } else if (reply.status === 401 || reply.status === 403 || name === 'AUTHORIZATION_ERROR') {
    [reason, retryable] = ['authentication', false];
  } else if (name === 'INSUFFICIENT_FUNDS') {
    [reason, retryable] = ['insufficient_funds', false];
  } else if (DESTINATION_ERRORS.has(name)) {
    [reason, retryable] = ['invalid_destination', false];
  } else {
    [reason, retryable] = ['invalid_request', false];
  }
  return new PayoutProviderError({
    provider: 'paypal',
    reason,
    retryable,
    outcome,
    httpStatus: reply.status,
    message: `paypal: ${reply.status} ${name || 'error'}: ${message}`,
    providerResponse: reply.body,
  });
}
