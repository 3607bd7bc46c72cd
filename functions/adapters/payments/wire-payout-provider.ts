/**
 * Bank wire: nothing is sent from here. `send` answers `manual` with what the operator needs to
 * make the transfer (amount, currency, the payout key as the payment reference); the payout stays
 * `processing` until the operator confirms it (`POST /v1/admin/payouts/{id}/confirm`) or fails it
 * (`/fail`). Those are status transitions (`transitionPayout`), not provider calls.
 */
import { formatAmount } from '../../domain/money/currency.js';
import {
  PayoutProviderError,
  type PayoutProvider,
  type PayoutSendRequest,
  type PayoutSendResult,
} from '../../ports/payout-provider.js';
import { assertPositiveAmount } from './provider-http.js';

/** Any one of these identifies a beneficiary account. */
const ACCOUNT_FIELDS = ['iban', 'account_number'] as const;

export class WirePayoutProvider implements PayoutProvider {
  readonly name = 'wire' as const;

  async send(request: PayoutSendRequest): Promise<PayoutSendResult> {
    assertPositiveAmount('wire', request.amountCents);
    const details = request.destination.accountDetails;
    const hasAccount = ACCOUNT_FIELDS.some((field) => typeof details[field] === 'string' && details[field] !== '');
    if (!hasAccount) {
      throw new PayoutProviderError({
        provider: 'wire',
        reason: 'invalid_destination',
        retryable: false,
        outcome: 'not_paid',
        message: `wire: payout ${request.payoutId} has no iban or account_number`,
      });
    }
    return {
      status: 'manual',
      // The key doubles as the bank reference, so the statement line matches the payout.
      providerTransactionId: request.idempotencyKey,
      // Bank details are deliberately not copied: provider_response is shown to operators and kept 7 years.
      providerResponse: {
        method: 'wire',
        reference: request.idempotencyKey,
        // The payout's own currency decimals: "5000" JPY, "12.50" EUR, "1.250" KWD.
        amount: formatAmount(request.amountCents, request.currency.toUpperCase()),
        currency: request.currency.toUpperCase(),
        awaiting: 'operator_confirmation',
      },
    };
  }
}
