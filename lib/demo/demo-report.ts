/**
 * What the demo reports: every figure is read back through the API (run-demo-scenario.ts),
 * checked (check-demo-report.ts) and printed (print-demo-report.ts).
 */
import type { TrafficExpectation } from './plan-demo-traffic.js';

export interface DemoPartner {
  partner_id: number;
  name: string;
  short_code: string;
  /** Its address (web sign-in). */
  email?: string;
}

export interface DemoPartnerTotals {
  partner_id: number;
  name: string;
  /** The enrollment's campaign and its currency (one row per partner and campaign). */
  campaign_id: number;
  currency: string;
  total_clicks: number;
  total_conversions: number;
  total_revenue: string;
  total_commission_earned: string;
}

export interface DemoConversion {
  conversion_event_id: number;
  source: string;
  transaction_id: string | null;
  partner_id: number;
  campaign_id: number;
  /** The version the sale was priced on (its winning click's). */
  campaign_version_id: number;
  currency: string;
  status: string;
  event_value: string | null;
  refunded_amount: string;
  commission_amount: string | null;
  /** Each credited partner's share (touch values summed per partner). */
  shares: Record<string, string>;
}

export interface DemoPayout {
  payout_id: number;
  partner_id: number;
  currency: string;
  amount: string;
  provider: string;
  status: string;
  conversions: number;
}

export interface DemoReport {
  runId: string;
  baseUrl: string;
  vendor: { vendor_id: number; name: string; /** The owner's address (web sign-in). */ email: string };
  campaign: { campaign_id: number; campaign_version_id: number; name: string; attribution_model: string; tiers: string; rule: string };
  /** The USD campaign's edit between the clicks and their sales. */
  edit: { from_version_id: number; to_version_id: number; version_number: number; change: string };
  /** The other currencies' campaigns, each with one enrolled partner. */
  otherCampaigns: Array<{ campaign_id: number; name: string; currency: string; terms: string; partner_id: number }>;
  partners: DemoPartner[];
  clicks: {
    expected: TrafficExpectation;
    fired: number;
    /** Distinct click ids the redirect handed out. */
    clickIds: number;
    /** Those click ids (for cross-checks; not printed). */
    handedOut: string[];
    /** What the redirect answered, by kind of filtering. */
    filtered: { bots: number; head: number; repeats: number };
    /** Sum of the enrollments' total_clicks (API). */
    counted: number;
  };
  deliveries: { stripe: number; shopify: number; api: number; duplicates: number; refunds: number; enqueued: number };
  /** Sales kept without a commission, with the reason the vendor reads (here: one paid in EUR on a USD click). */
  unattributed: Array<{ transaction_id: string | null; currency: string; event_value: string | null; reason: string; refusal: string | null }>;
  integrations: { stripe: number; shopify: number; stripeJpy: number };
  partnerTotals: DemoPartnerTotals[];
  conversions: DemoConversion[];
  /** Per campaign: partner rows per partner and currency, totals one entry per currency. */
  attribution: { model: string; models: string[]; partners: Array<Record<string, string | number>>; totals: Array<Record<string, string>> };
  payoutRun: {
    start_date: string;
    end_date: string;
    minimum: string;
    thresholds: Record<string, string>;
    skipped: Array<{ partner_id: number; currency: string; reason: string; amount: string; minimum: string }>;
  };
  payouts: DemoPayout[];
  /** `money`: the platform's books per currency (every vendor's, not only this run's). */
  reconciliation: { balanced: boolean; violations: number; money: Array<{ currency: string; earned: string; paid_out: string; in_payouts: string; open_adjustments: string }> };
  checks: Array<{ name: string; ok: boolean; detail: string }>;
  elapsedMs: number;
}
