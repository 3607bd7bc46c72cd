/**
 * The demo's report as terminal text: a few lines and two small tables, everything taken from
 * the `DemoReport` (which the scenario read back through the API). Money is shown per currency,
 * each amount with its currency's decimals as the API printed it; nothing adds two currencies. Pure.
 */
import type { DemoReport } from './demo-report.js';

/** Columns padded to their widest cell; `right` columns are right-aligned (numbers). */
export function formatTable(rows: readonly (readonly string[])[], right: readonly boolean[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (right[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function formatDemoReport(report: DemoReport): string {
  const { clicks, deliveries } = report;
  const nameOf = new Map(report.partners.map((p) => [p.partner_id, p.name]));
  const filteredTotal = clicks.filtered.bots + clicks.filtered.head + clicks.filtered.repeats;
  const lines: string[] = [];
  lines.push(`Affiliate platform demo · run ${report.runId} · ${report.baseUrl}`);
  lines.push(`vendor #${report.vendor.vendor_id} "${report.vendor.name}" · campaign #${report.campaign.campaign_id} "${report.campaign.name}", ${report.campaign.attribution_model} attribution`);
  lines.push(`  ${report.campaign.tiers}; ${report.campaign.rule}`);
  lines.push(
    `  edited after the first clicks: version ${report.edit.version_number} (#${report.edit.to_version_id}, was #${report.edit.from_version_id}), ${report.edit.change}; ` +
      'sales on earlier clicks keep the clicked version\'s terms',
  );
  for (const c of report.otherCampaigns) {
    lines.push(`campaign #${c.campaign_id} "${c.name}" in ${c.currency}: ${c.terms}, promoted by ${nameOf.get(c.partner_id) ?? c.partner_id}`);
  }
  lines.push('');
  lines.push(
    `Clicks: ${clicks.fired} fired, ${clicks.counted} counted, ${filteredTotal} filtered ` +
      `(${plural(clicks.filtered.bots, 'bot')}, ${plural(clicks.filtered.head, 'HEAD preview')}, ${plural(clicks.filtered.repeats, 'repeat visit')})`,
  );
  lines.push(
    `Sales: ${deliveries.stripe} Stripe and ${deliveries.shopify} Shopify webhooks (${plural(deliveries.duplicates, 'duplicate delivery', 'duplicate deliveries')}, ${plural(deliveries.refunds, 'refund event')}), ` +
      `${plural(deliveries.api, 'API call')} -> ${plural(report.conversions.length, 'conversion')}`,
  );
  lines.push('');

  const models = report.attribution.models;
  const header = ['partner', 'cur.', 'clicks', 'conv.', 'revenue', 'earned', ...models.map((m) => m.replace('_', ' '))];
  const rows: string[][] = [header];
  for (const p of report.partnerTotals) {
    const byModel = report.attribution.partners.find((a) => Number(a.partner_id) === p.partner_id && a.currency === p.currency);
    rows.push([p.name, p.currency, String(p.total_clicks), String(p.total_conversions), p.total_revenue, p.total_commission_earned, ...models.map((m) => String(byModel?.[m] ?? ''))]);
  }
  for (const t of [...report.attribution.totals].sort((a, b) => String(a.currency).localeCompare(String(b.currency)))) {
    rows.push([`all partners`, t.currency ?? '', '', '', '', t.actual ?? '', ...models.map((m) => t[m] ?? '')]);
  }
  lines.push('Per partner and currency (enrollment totals, a shared conversion counts for each partner it credits; earned now and under each attribution model):');
  lines.push(...formatTable(rows, header.map((_, i) => i > 1)).map((l) => `  ${l}`));
  lines.push('');

  lines.push('Conversions:');
  const conversionRows: string[][] = [['id', 'source', 'owner', 'cur.', 'value', 'refunded', 'commission', 'split', 'version', 'status']];
  for (const c of report.conversions) {
    const split = Object.entries(c.shares)
      .map(([id, amount]) => `${(nameOf.get(Number(id)) ?? id).split(' ')[0]} ${amount}`)
      .join(' + ');
    conversionRows.push([
      `#${c.conversion_event_id}`,
      c.source,
      nameOf.get(c.partner_id) ?? String(c.partner_id),
      c.currency,
      c.event_value ?? '',
      c.refunded_amount,
      c.commission_amount ?? '',
      split,
      `#${c.campaign_version_id}`,
      c.status,
    ]);
  }
  lines.push(...formatTable(conversionRows, [false, false, false, false, true, true, true, false, false, false]).map((l) => `  ${l}`));
  for (const u of report.unattributed) {
    lines.push(`Kept without commission: ${u.transaction_id ?? '(no transaction id)'} ${u.event_value ?? ''} ${u.currency}, ${u.reason.replace(/_/g, ' ')}: ${u.refusal ?? ''}`);
  }
  lines.push('');

  const thresholds = Object.entries(report.payoutRun.thresholds)
    .map(([currency, minimum]) => `${currency} ${minimum}`)
    .join(', ');
  lines.push(
    `Payout run ${report.payoutRun.start_date} .. ${report.payoutRun.end_date}, one payout per partner and currency (minimum ${report.payoutRun.minimum}${thresholds ? `; ${thresholds}` : ''}):`,
  );
  const payoutRows: string[][] = [];
  for (const p of report.payouts) {
    payoutRows.push([`payout #${p.payout_id}`, nameOf.get(p.partner_id) ?? String(p.partner_id), p.amount, p.currency, `${p.provider}  ${p.status}  (${plural(p.conversions, 'conversion')})`]);
  }
  for (const s of report.payoutRun.skipped) {
    payoutRows.push(['skipped', nameOf.get(s.partner_id) ?? String(s.partner_id), s.amount, s.currency, `${s.reason.replace(/_/g, ' ')} (minimum ${s.minimum})`]);
  }
  lines.push(...formatTable(payoutRows, [false, false, true, false, false]).map((l) => `  ${l}`));
  lines.push('');
  lines.push(`Reconciliation: ${report.reconciliation.balanced ? 'balanced' : 'NOT BALANCED'} (${plural(report.reconciliation.violations, 'violation')}); the platform's books per currency:`);
  const bookRows: string[][] = [['currency', 'earned', 'paid out', 'in payouts', 'open adjustments']];
  for (const m of report.reconciliation.money) bookRows.push([m.currency, m.earned, m.paid_out, m.in_payouts, m.open_adjustments]);
  lines.push(...formatTable(bookRows, [false, true, true, true, true]).map((l) => `  ${l}`));
  const failed = report.checks.filter((c) => !c.ok);
  lines.push(
    failed.length === 0
      ? `Checks: all ${report.checks.length} passed`
      : `Checks FAILED: ${failed.map((c) => `${c.name} (${c.detail})`).join('; ')}`,
  );
  lines.push(`Finished in ${(report.elapsedMs / 1000).toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}
