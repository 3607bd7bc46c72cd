/** Identifiers stay opaque (SERIAL integers in Aurora). */
export type Id = string | number;

/** Conversion statuses (`conversion_events.status`). */
export type ConversionStatus = 'pending' | 'approved' | 'paid' | 'rejected';

/**
 * A refund or dispute of a sale, as carried by the conversions queue's refund message.
 * `eventId` is the provider event id (Stripe `event.id`, Shopify `X-Shopify-Webhook-Id`):
 * duplicates with the same id count once.
 */
export interface RefundEvent {
  eventId: string;
  /**
   * `dispute_won` (Stripe `charge.dispute.closed` with status `won`) voids the dispute with the
   * same `disputeId`, whichever arrives first.
   */
  reason: 'refund' | 'dispute' | 'dispute_won';
  /** The provider's dispute id (`dp_...`), linking a dispute to its closure. */
  disputeId?: string | null;
  /** Amount of the sale refunded/disputed, in cents; null or absent = the whole sale. */
  amountCents?: bigint | null;
  /**
   * True when `amountCents` is the charge's running total refunded so far (Stripe
   * `charge.refunded` carries `amount_refunded`), rather than this refund alone (Shopify
   * `refunds/create`). Running totals are combined with max, individual refunds with sum, and
   * the two views with max (they describe the same refunds), so neither double counts.
   */
  cumulative?: boolean;
  /**
   * Stripe Refund `status` of a per-refund event; absent = `succeeded` (Shopify, the API, the
   * embedded list's succeeded items). Only `succeeded` counts; `failed` and `canceled` are
   * final and void the refund (copies of one refund merge to the furthest state: pending <
   * succeeded < failed/canceled), so a refund that fails after it was counted gives its money back once.
   */
  status?: 'pending' | 'succeeded' | 'failed' | 'canceled';
  /**
   * The charge the refund or running total belongs to (Stripe `ch_...`). Per charge, running
   * totals and per-refund events describe the same money: see `reduceRefunds`.
   */
  chargeId?: string | null;
}

/** The sale event of a conversion (duplicates by `eventId` or by redelivery count once). */
export interface SaleEvent {
  eventId: string;
  saleAmountCents: bigint;
  commissionCents: bigint;
}
