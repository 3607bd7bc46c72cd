/**
 * Stripe Connect: a payout is one transfer from the platform balance to the partner's connected
 * account (`POST /v1/transfers`). The transfer exists once the call succeeds, so a created
 * transfer is `completed`.
 *
 * Duplicates: every attempt carries `Idempotency-Key: <payout key>`; Stripe answers a repeat with
 * the saved response of the first request (the same `tr_…`). Stripe prunes keys after 24 hours,
 * so a payout re-sent later with `mayHaveBeenSent` is first looked up by its `transfer_group`
 * (also the payout key) and the existing transfer returned instead of creating another.
 */
import {
  PayoutProviderError,
  type PayoutProvider,
  type PayoutProviderErrorReason,
  type PayoutSendRequest,
  type PayoutSendResult,
} from '../../ports/payout-provider.js';
import { stripeExponent } from '../../domain/integrations/provider-values.js';
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

export interface StripePayoutProviderOptions extends HttpAdapterOptions {
  /** Secret key (`sk_…`) of the platform account; never logged or stored in responses. */
  apiKey: string;
  /** Pins `Stripe-Version`; the account default applies when absent. */
  apiVersion?: string;
}

const DEFAULT_BASE_URL = 'https://api.stripe.com';

/** Error codes that mean the destination cannot receive this transfer. */
const DESTINATION_CODES = new Set([
  'account_invalid',
  'account_closed',
  'no_account',
  'resource_missing',
  'transfers_not_allowed',
  'insufficient_capabilities_for_transfer',
]);
const FUNDS_CODES = new Set(['balance_insufficient', 'insufficient_funds']);

/**
 * The transfer amount in Stripe's minor unit of the currency (its zero- and three-decimal lists,
 * the reverse of `stripeAmountToDecimal`): 5000 JPY -> 5000, 40 ISK -> 4000, 12.50 EUR -> 1250.
 */
function stripeAmount(request: PayoutSendRequest): bigint {
  return providerMinorUnits('stripe', request, stripeExponent);
}

export class StripePayoutProvider implements PayoutProvider {
  readonly name = 'stripe' as const;
  private readonly baseUrl: string;

  constructor(private readonly options: StripePayoutProviderOptions) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  }

  async send(request: PayoutSendRequest): Promise<PayoutSendResult> {
    assertPositiveAmount('stripe', request.amountCents);
    const destination = request.destination.providerAccountId;
    if (!destination || !destination.startsWith('acct_')) {
      throw new PayoutProviderError({
        provider: 'stripe',
        reason: 'invalid_destination',
        retryable: false,
        outcome: 'not_paid',
        message: `stripe: payout ${request.payoutId} has no connected account id (acct_…)`,
      });
    }

    if (request.mayHaveBeenSent) {
      const existing = await this.findTransfer(request.idempotencyKey);
      if (existing) return assertSameTransfer(existing, request, destination);
    }

    const amount = stripeAmount(request);
    // Built once: every retry must send identical parameters, or Stripe refuses the reused key.
    const form = new URLSearchParams({
      amount: amount.toString(),
      currency: request.currency.toLowerCase(),
      destination,
      transfer_group: request.idempotencyKey,
      description: request.description,
      'metadata[payout_id]': String(request.payoutId),
      'metadata[idempotency_key]': request.idempotencyKey,
    }).toString();

    const answer = await withRetries(this.options, async () => {
      const reply = await exchange(this.options, 'stripe', `${this.baseUrl}/v1/transfers`, {
        method: 'POST',
        headers: { ...this.headers(), 'Content-Type': 'application/x-www-form-urlencoded', 'Idempotency-Key': request.idempotencyKey },
        body: form,
      });
      if (reply.status >= 200 && reply.status < 300) return reply;
      throw stripeError(reply);
    });
    return assertSameTransfer(transferResult(answer.body), request, destination);
  }

  /** The transfer already created for this payout key, if any (`GET /v1/transfers?transfer_group=`). */
  private async findTransfer(idempotencyKey: string): Promise<PayoutSendResult | undefined> {
    const query = new URLSearchParams({ transfer_group: idempotencyKey, limit: '1' }).toString();
    const answer = await withRetries(this.options, async () => {
      const reply = await exchange(this.options, 'stripe', `${this.baseUrl}/v1/transfers?${query}`, {
        method: 'GET',
        headers: this.headers(),
      });
      if (reply.status >= 200 && reply.status < 300) return reply;
      throw stripeError(reply);
    });
    const data = isRecord(answer.body) ? answer.body.data : undefined;
    const first: unknown = Array.isArray(data) ? data[0] : undefined;
    return first === undefined ? undefined : transferResult(first);
  }

  private headers(): Record<string, string> {
    return {
      Authorization: `Bearer ${this.options.apiKey}`,
      ...(this.options.apiVersion ? { 'Stripe-Version': this.options.apiVersion } : {}),
    };
  }
}

function transferResult(body: unknown): PayoutSendResult {
  const id = stringField(body, 'id');
  if (!id || stringField(body, 'object') !== 'transfer') {
    throw new PayoutProviderError({
      provider: 'stripe',
      reason: 'invalid_response',
      retryable: false,
      outcome: 'unknown',
      message: 'stripe: a successful answer without a transfer',
      providerResponse: body,
    });
  }
  return { status: 'completed', providerTransactionId: id, providerResponse: body };
}

/**
 * A transfer found or replayed under this key must be this payout's: a different amount or
 * destination means the key was reused by another database or payout (see `namespace` on the
 * key), and recording it as this payout's transfer would be wrong.
 */
function assertSameTransfer(result: PayoutSendResult, request: PayoutSendRequest, destination: string): PayoutSendResult {
  const body = result.providerResponse;
  const amount = isRecord(body) ? body.amount : undefined;
  const sameAmount = typeof amount === 'number' && BigInt(amount) === stripeAmount(request);
  const sameCurrency = stringField(body, 'currency') === request.currency.toLowerCase();
  if (sameAmount && sameCurrency && stringField(body, 'destination') === destination) return result;
  throw new PayoutProviderError({
    provider: 'stripe',
    reason: 'idempotency_conflict',
    retryable: false,
    outcome: 'unknown',
    message: `stripe: transfer ${result.providerTransactionId} under key ${request.idempotencyKey} is not payout ${request.payoutId}'s`,
    providerResponse: body,
  });
}

/**
 * Stripe's error body is `{ error: { type, code, message, … } }`. 4xx means Stripe executed
 * nothing; 5xx leaves the outcome unknown. `Stripe-Should-Retry`, when present, is Stripe's own
 * verdict on retrying with the same key and overrides the status-based rule.
 */
function stripeError(reply: HttpAnswer): PayoutProviderError {
  const error = isRecord(reply.body) && isRecord(reply.body.error) ? reply.body.error : {};
  const code = stringField(error, 'code') ?? '';
  const type = stringField(error, 'type') ?? '';
  const stripeMessage = stringField(error, 'message') ?? `HTTP ${reply.status}`;
  let reason: PayoutProviderErrorReason;
  let retryable: boolean;
  let outcome: 'not_paid' | 'unknown' = 'not_paid';
  if (reply.status === 429) {
    [reason, retryable] = ['rate_limited', true];
  } else if (reply.status === 409) {
    // Another request with this key is still running at Stripe; its answer will be replayed.
    [reason, retryable, outcome] = ['provider_unavailable', true, 'unknown'];
  } else if (reply.status >= 500) {
    [reason, retryable, outcome] = ['provider_unavailable', true, 'unknown'];
  } else if (reply.status === 401 || reply.status === 403) {
    [reason, retryable] = ['authentication', false];
  } else if (type === 'idempotency_error') {
    [reason, retryable] = ['idempotency_conflict', false];
  } else if (FUNDS_CODES.has(code)) {
    [reason, retryable] = ['insufficient_funds', false];
  } else if (DESTINATION_CODES.has(code)) {
    [reason, retryable] = ['invalid_destination', false];
  } else {
    [reason, retryable] = ['invalid_request', false];
  }
  const shouldRetry = reply.headers.get('stripe-should-retry');
  if (shouldRetry === 'true') retryable = true;
  if (shouldRetry === 'false') retryable = false;
  return new PayoutProviderError({
    provider: 'stripe',
    reason,
    retryable,
    outcome,
    httpStatus: reply.status,
    message: `stripe: ${reply.status} ${code || type || 'error'}: ${stripeMessage}`,
    providerResponse: reply.body,
  });
}
