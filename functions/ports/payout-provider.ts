/**
 * The one interface every way of paying a partner sits behind (Stripe Connect transfers, PayPal
 * Payouts, manual bank wire). The payout job and the admin routes call `send` after an operator
 * approves a payout; they never talk to a provider's HTTP API themselves.
 *
 * Idempotency: the caller passes `idempotencyKey` from `payoutIdempotencyKey()` in
 * `functions/domain/payouts/`. The adapter sends that same key on every HTTP attempt (including
 * its own retries), and the caller must send the same key again when it re-runs a payout whose
 * previous send timed out or crashed. Only an operator's explicit re-issue after a *definitive*
 * failure may move to a new key (see docs/payouts.md).
 */

export type PayoutProviderName = 'stripe' | 'paypal' | 'wire';

export interface PayoutDestination {
  /** Stripe connected account id (`acct_…`) or PayPal payer id; absent for wire and e-mail PayPal. */
  providerAccountId?: string;
  /** `partner_payment_methods.account_details`: PayPal `email`, wire bank details, … */
  accountDetails: Record<string, unknown>;
}

export interface PayoutSendRequest {
  payoutId: number;
  /** Deterministic, from `payoutIdempotencyKey()`; identical on every retry of one payout. */
  idempotencyKey: string;
  /** Minor units of `currency` (cents for USD); must be positive. */
  amountCents: bigint;
  /** ISO 4217, any case. */
  currency: string;
  destination: PayoutDestination;
  description: string;
  /**
   * True when an earlier send of this payout with this key may have reached the provider (the
   * job finds `processed_at` set but no outcome). Stripe forgets idempotency keys after 24 hours,
   * so the Stripe adapter then looks the transfer up by its transfer group before creating one.
   */
  mayHaveBeenSent?: boolean;
}

export interface PayoutSendResult {
  /**
   * `completed`: the money moved (Stripe transfer created, PayPal batch SUCCESS).
   * `processing`: accepted, outcome later (PayPal PENDING/PROCESSING): poll `getStatus`.
   * `manual`: nothing was sent; an operator pays and then confirms or fails the payout (wire).
   */
  status: 'completed' | 'processing' | 'manual';
  /** Stored in `payouts.provider_transaction_id`. */
  providerTransactionId?: string;
  /** Stored in `payouts.provider_response` (JSONB); never contains credentials. */
  providerResponse: unknown;
}

export interface PayoutProvider {
  readonly name: PayoutProviderName;
  send(request: PayoutSendRequest): Promise<PayoutSendResult>;
  /**
   * The current state of a payout that `send` left `processing` (PayPal batches). Absent for
   * providers whose answer is final at `send`.
   */
  getStatus?(request: { payoutId: number; providerTransactionId: string }): Promise<PayoutSendResult>;
}

export type PayoutProviderErrorReason =
  /** No answer in time; the provider may or may not have acted (outcome unknown). */
  | 'timeout'
  /** Connection refused/reset before an answer; outcome unknown. */
  | 'network'
  | 'rate_limited'
  /** 5xx or a 409 concurrent-request conflict. */
  | 'provider_unavailable'
  | 'insufficient_funds'
  /** Unknown/closed/unverified destination account or receiver. */
  | 'invalid_destination'
  /** Our credentials were refused: configuration, not the payout. */
  | 'authentication'
  /** The same key was used with different parameters: a bug on our side, never retried. */
  | 'idempotency_conflict'
  /** The provider accepted the request and then refused it (PayPal batch DENIED/CANCELED). */
  | 'rejected'
  /** Any other 4xx: the request itself is wrong. */
  | 'invalid_request'
  /** A 2xx we could not understand; outcome unknown. */
  | 'invalid_response';

/**
 * A provider call that did not pay. `retryable` says whether sending again with the SAME key may
 * succeed (timeouts, 429, 5xx); `outcome` says whether money may have moved: after an `unknown`
 * outcome the payout must be retried with the same key, never re-issued with a new one.
 */
export class PayoutProviderError extends Error {
  override readonly name = 'PayoutProviderError';
  readonly provider: PayoutProviderName;
  readonly reason: PayoutProviderErrorReason;
  readonly retryable: boolean;
  /** `not_paid`: the provider definitively refused. `unknown`: the request may have been executed. */
  readonly outcome: 'not_paid' | 'unknown';
  readonly httpStatus?: number;
  /** The provider's error body, safe to store in `payouts.provider_response`. */
  readonly providerResponse?: unknown;

  constructor(args: {
    provider: PayoutProviderName;
    reason: PayoutProviderErrorReason;
    retryable: boolean;
    outcome?: 'not_paid' | 'unknown';
    message: string;
    httpStatus?: number;
    providerResponse?: unknown;
    cause?: unknown;
  }) {
    super(args.message, { cause: args.cause });
    this.provider = args.provider;
    this.reason = args.reason;
    this.retryable = args.retryable;
    this.outcome = args.outcome ?? (args.retryable ? 'unknown' : 'not_paid');
    this.httpStatus = args.httpStatus;
    this.providerResponse = args.providerResponse;
  }
}
