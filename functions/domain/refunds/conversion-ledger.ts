import { largerRefundClaim, reduceRefunds, type RefundOutcome } from './reduce-refunds.js';
import type { ConversionStatus, RefundEvent, SaleEvent } from './types.js';

/**
 * Everything received so far about one conversion (one vendor + source + transaction + event
 * type), as sets keyed by provider event id. Immutable: `recordLedgerEvent` returns a new one.
 */
export interface ConversionLedger {
  sales: ReadonlyMap<string, SaleEvent>;
  refunds: ReadonlyMap<string, RefundEvent>;
}

export type LedgerEvent = ({ kind: 'sale' } & SaleEvent) | ({ kind: 'refund' } & RefundEvent);

export const emptyLedger: ConversionLedger = { sales: new Map(), refunds: new Map() };

/**
 * Adds one event. Because the ledger is a pair of sets and {@link resolveLedger} only looks at
 * the sets, any arrival order and any number of redeliveries give the same final state: a
 * refund that arrives before its sale is held, not lost.
 */
export function recordLedgerEvent(ledger: ConversionLedger, event: LedgerEvent): ConversionLedger {
  if (event.kind === 'sale') {
    if (ledger.sales.has(event.eventId)) return ledger;
    const sales = new Map(ledger.sales);
    const { kind: _kind, ...sale } = event;
    sales.set(event.eventId, sale);
    return { ...ledger, sales };
  }
  const refunds = new Map(ledger.refunds);
  const { kind: _kind, ...refund } = event;
  const seen = ledger.refunds.get(event.eventId);
  refunds.set(event.eventId, seen ? largerRefundClaim(seen, refund) : refund);
  return { ...ledger, refunds };
}

export type LedgerState =
  | { hasSale: false; heldRefunds: RefundEvent[] }
  | ({ hasSale: true; sale: SaleEvent } & RefundOutcome);

/**
 * The final state of the ledger. With several sale events (redeliveries under different ids)
 * the one with the smallest event id stands for the conversion - any fixed choice works, since
 * they describe the same sale. Without a sale yet, the refunds are reported as held.
 */
export function resolveLedger(
  ledger: ConversionLedger,
  options: { currentStatus?: Exclude<ConversionStatus, 'rejected'>; paidOutCents?: bigint; priorAdjustmentsCents?: bigint } = {},
): LedgerState {
  const refunds = [...ledger.refunds.values()];
  const sale = [...ledger.sales.values()].sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0))[0];
  if (!sale) return { hasSale: false, heldRefunds: refunds };
  return {
    hasSale: true,
    sale,
    ...reduceRefunds({
      saleAmountCents: sale.saleAmountCents,
      commissionCents: sale.commissionCents,
      events: refunds,
      currentStatus: options.currentStatus,
      paidOutCents: options.paidOutCents,
      priorAdjustmentsCents: options.priorAdjustmentsCents,
    }),
  };
}
