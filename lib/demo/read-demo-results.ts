/**
 * The demo's results, read back through the API the way the vendor, the partners and the operator
 * see them: enrollment totals, conversions with their split, the attribution report, payouts, the
 * sales kept without a commission and the reconciliation.
 */
import { formatAmount, parseAmount } from '../../functions/domain/money/currency.js';
import { DemoStepError, type DemoHttp } from './demo-http.js';
import type { DemoConversion, DemoPartner, DemoPartnerTotals, DemoPayout, DemoReport } from './demo-report.js';

/** Sums a conversion's touch values per partner, in the conversion's currency. */
function sharesOf(touches: Array<{ partner_id: number; touch_value: string | null }>, currency: string): Record<string, string> {
  const minor = new Map<number, bigint>();
  for (const t of touches) minor.set(t.partner_id, (minor.get(t.partner_id) ?? 0n) + (t.touch_value === null ? 0n : parseAmount(t.touch_value, currency)));
  return Object.fromEntries([...minor.entries()].sort((a, b) => a[0] - b[0]).map(([id, m]) => [String(id), formatAmount(m, currency)]));
}

export interface DemoResults {
  partnerTotals: DemoPartnerTotals[];
  conversions: DemoConversion[];
  attribution: DemoReport['attribution'];
  payouts: DemoPayout[];
  unattributed: { data: DemoReport['unattributed'] };
  reconciliation: { balanced: boolean; violations: unknown[]; money: DemoReport['reconciliation']['money'] };
}

/** Reads the run's figures; `campaignIds` in report order, the partners' main (USD) campaign first. */
export async function readDemoResults(args: {
  http: DemoHttp;
  vendorKey: string;
  adminToken: string;
  partners: readonly DemoPartner[];
  campaignIds: readonly number[];
  attributionModel: string;
}): Promise<DemoResults> {
  const { http, vendorKey, adminToken, partners, campaignIds, attributionModel } = args;
  const nameOf = new Map(partners.map((p) => [p.partner_id, p.name]));
    const partnerTotals: DemoPartnerTotals[] = [];
  for (const campaignId of campaignIds) {
    const enrollments = await http.json<{ data: Array<Omit<DemoPartnerTotals, 'name' | 'campaign_id'>> }>({
      step: `read campaign ${campaignId}'s enrollments`,
      method: 'GET',
      path: `/v1/campaign-partners?campaign_id=${campaignId}&limit=100`,
      token: vendorKey,
    });
    for (const row of enrollments.data) {
      partnerTotals.push({
        partner_id: row.partner_id,
        name: nameOf.get(row.partner_id) ?? String(row.partner_id),
        campaign_id: campaignId,
        currency: row.currency,
        total_clicks: row.total_clicks,
        total_conversions: row.total_conversions,
        total_revenue: row.total_revenue,
        total_commission_earned: row.total_commission_earned,
      });
    }
  }
  // By partner, then campaign (USD, EUR, JPY).
  partnerTotals.sort((a, b) => a.partner_id - b.partner_id || campaignIds.indexOf(a.campaign_id) - campaignIds.indexOf(b.campaign_id));
  for (const p of partners) {
    if (!partnerTotals.some((t) => t.partner_id === p.partner_id && t.campaign_id === campaignIds[0])) throw new DemoStepError(`read the enrollments: ${p.name} is missing`);
  }

  // Every conversion of the vendor: the three campaigns, every version.
  const conversionPage = await http.json<{ data: Array<Omit<DemoConversion, 'shares'> & { touches: Array<{ partner_id: number; touch_value: string | null }> }> }>({
    step: 'read the conversions',
    method: 'GET',
    path: '/v1/conversions?limit=100',
    token: vendorKey,
  });
  const conversions: DemoConversion[] = conversionPage.data
    .map((c) => ({
      conversion_event_id: c.conversion_event_id,
      source: c.source,
      transaction_id: c.transaction_id,
      partner_id: c.partner_id,
      campaign_id: c.campaign_id,
      campaign_version_id: c.campaign_version_id,
      currency: c.currency,
      status: c.status,
      event_value: c.event_value,
      refunded_amount: c.refunded_amount,
      commission_amount: c.commission_amount,
      shares: sharesOf(c.touches, c.currency),
    }))
    .sort((a, b) => a.conversion_event_id - b.conversion_event_id);

  // Per campaign: partner rows carry their currency, totals are one entry per currency (docs/money.md).
  const attribution: DemoReport['attribution'] = { model: attributionModel, models: [], partners: [], totals: [] };
  for (const campaignId of campaignIds) {
    const page = await http.json<{ models: string[]; partners: Array<Record<string, string | number>>; totals: Array<Record<string, string>> }>({
      step: `read campaign ${campaignId}'s attribution report`,
      method: 'GET',
      path: `/v1/reports/attribution?campaign_id=${campaignId}`,
      token: vendorKey,
    });
    attribution.models = page.models;
    attribution.partners.push(...page.partners.map((p) => ({ ...p, name: nameOf.get(Number(p.partner_id)) ?? String(p.name) })));
    attribution.totals.push(...page.totals);
  }

  const payouts: DemoPayout[] = [];
  for (const partner of partners) {
    const page = await http.json<{ data: Array<{ payout_id: number; partner_id: number; currency: string; amount: string; provider: string; status: string; start_date: string; conversions: unknown[] }> }>({
      step: `read ${partner.name}'s payouts`,
      method: 'GET',
      path: `/v1/admin/payouts?partner_id=${partner.partner_id}`,
      token: adminToken,
    });
    for (const p of page.data) {
      payouts.push({ payout_id: p.payout_id, partner_id: p.partner_id, currency: p.currency, amount: p.amount, provider: p.provider, status: p.status, conversions: p.conversions.length });
    }
  }
  payouts.sort((a, b) => a.payout_id - b.payout_id);

  const unattributed = await http.json<{ data: DemoReport['unattributed'] }>({
    step: 'read the sales kept without a commission',
    method: 'GET',
    path: '/v1/unattributed-conversions?reason=currency_mismatch',
    token: vendorKey,
  });

  const reconciliation = await http.json<{ balanced: boolean; violations: unknown[]; money: DemoReport['reconciliation']['money'] }>({
    step: 'read the reconciliation',
    method: 'GET',
    path: '/v1/admin/reconciliation',
    token: adminToken,
  });
  return { partnerTotals, conversions, attribution, payouts, unattributed, reconciliation };
}
