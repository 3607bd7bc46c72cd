/**
 * The demo's sales, planned up front like its traffic (plan-demo-traffic.ts): who buys, through
 * which channel, how much and in which wave, with the commission each must earn.
 */
import { shopperUserAgent, type BuyerName, type PlannedVisitor } from './plan-demo-traffic.js';

/**
 * Shoppers beside the planned traffic: one on Alice's EUR link, one on Bob's JPY link (links 3
 * and 4), both before the USD campaign's edit, and one on Alice's USD link after it.
 */
type ExtraBuyer = 'eur-sale' | 'jpy-sale' | 'after-edit';
export type SaleBuyer = BuyerName | ExtraBuyer;
export const extraVisitors = (n: number): Record<ExtraBuyer, PlannedVisitor> => ({
  'eur-sale': { name: 'eur-sale', kind: 'shopper', userAgent: shopperUserAgent(n), steps: [{ link: 3, method: 'GET' }] },
  'jpy-sale': { name: 'jpy-sale', kind: 'shopper', userAgent: shopperUserAgent(n + 1), steps: [{ link: 4, method: 'GET' }] },
  'after-edit': { name: 'after-edit', kind: 'shopper', userAgent: shopperUserAgent(n + 2), steps: [{ link: 0, method: 'GET' }] },
});

/** One shopper's sale as the demo sends it. */
export interface PlannedSale {
  buyer: SaleBuyer;
  via: 'stripe' | 'shopify' | 'api';
  /** In minor units of `currency` (cents, or yen: JPY has no decimals). */
  amount: bigint;
  currency: 'USD' | 'EUR' | 'JPY';
  wave: 1 | 2 | 3;
}

/**
 * The sales. With the USD campaign below (Bronze 10 % under $500.00 of partner revenue this
 * month, Silver 15 % from $500.00, +$5.00 on sales of $300.00 or more, linear attribution; after
 * the clicks the vendor raises Silver to 20 %, which only clicks made after the edit get):
 * stripe-journey $120.00 (Alice then Bob: 12.00 split 6.00/6.00), stripe-big $400.00 (Alice:
 * 40.00 + 5.00), stripe-refunded $80.00 (Carol: 8.00, then $30.00 refunded: 5.00),
 * shopify-journey $250.00 (Carol then Bob; Bob's revenue so far $120.00: 25.00 split 12.50/12.50),
 * shopify-big $600.00 (Alice, $400.00 so far: Bronze 60.00 + 5.00), api-sale $150.00 (Alice,
 * $1,000.00 so far, clicked before the edit: Silver 15 % = 22.50), after-edit $100.00 (Alice,
 * clicked after the edit: Silver 20 % = 20.00). EUR campaign (10 %): eur-sale EUR 180.00 (Alice:
 * 18.00). JPY campaign (10 %): jpy-sale ¥5000 through Stripe (Bob: ¥500).
 */
export const demoSales: readonly PlannedSale[] = [
  { buyer: 'stripe-journey', via: 'stripe', amount: 12_000n, currency: 'USD', wave: 1 },
  { buyer: 'stripe-big', via: 'stripe', amount: 40_000n, currency: 'USD', wave: 1 },
  { buyer: 'stripe-refunded', via: 'stripe', amount: 8_000n, currency: 'USD', wave: 1 },
  { buyer: 'jpy-sale', via: 'stripe', amount: 5_000n, currency: 'JPY', wave: 1 },
  { buyer: 'shopify-journey', via: 'shopify', amount: 25_000n, currency: 'USD', wave: 2 },
  { buyer: 'shopify-big', via: 'shopify', amount: 60_000n, currency: 'USD', wave: 2 },
  { buyer: 'api-sale', via: 'api', amount: 15_000n, currency: 'USD', wave: 3 },
  { buyer: 'after-edit', via: 'api', amount: 10_000n, currency: 'USD', wave: 3 },
  { buyer: 'eur-sale', via: 'api', amount: 18_000n, currency: 'EUR', wave: 3 },
];
/** The part of the stripe-refunded order the shopper sends back: $30.00. */
export const refundCents = 3_000n;
