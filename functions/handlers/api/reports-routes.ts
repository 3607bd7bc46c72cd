/**
 * Vendor reports, as JSON or, with `Accept: text/csv`, as CSV (one header row, RFC 4180 quoting,
 * cells that a spreadsheet would run as a formula are prefixed with `'`).
 *
 * - top-partners: the data dictionary's query (approved and paid conversions in [from, to], top 10 by revenue).
 * - funnel: journeys by furthest stage, how many reached each stage, the drop-off to the next
 *   stage, and the average time from first click to conversion.
 * - attribution: what each partner earns now (stored touch values) and would earn under each
 *   model, recomputed with `evaluateAllModels` from the same stored journeys and commissions.
 */
import { z } from 'zod';
import { evaluateAllModels } from '../../domain/attribution/evaluate-all-models.js';
import { attributionModels, type AttributionModel, type JourneyClick } from '../../domain/attribution/types.js';
import { formatAmount, parseAmount } from '../../domain/money/currency.js';
import { roundHalfUp } from '../../domain/money/round-half-up.js';
import { NotFoundError, ValidationError } from '../../platform/http/errors.js';
import { idParam } from '../../platform/http/fields.js';
import { headerOf } from '../../platform/http/parse-request.js';
import { ok, type ApiResult } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { findCampaign } from '../../repositories/campaigns/campaigns.js';
import {
  attributionInputs,
  funnelStages,
  funnelSummary,
  partnerNames,
  topPartners,
  type AttributionInputRow,
  type TopPartnerRow,
} from '../../repositories/reports.js';

type Cell = string | number | null;

function csvCell(value: Cell): string {
  if (value === null) return '';
  let text = String(value);
  // Formula injection: a partner named "=HYPERLINK(...)" must stay text. Numbers (incl. "-5.00") are left alone.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as CSV with a header row (CRLF line ends, as RFC 4180 writes them). */
export function toCsv(columns: readonly string[], rows: readonly Record<string, Cell>[]): string {
  const lines = [columns.map(csvCell).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c] ?? null)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function wantsCsv(accept: string | undefined): boolean {
  return accept !== undefined && /\btext\/csv\b/i.test(accept);
}

/**
 * JSON, or CSV of `rows` when asked. NOTE: the CSV body is a string with `content-type:
 * text/csv`; the gateway serialiser must pass string bodies of non-JSON types through as is.
 */
function respond(accept: string | undefined, json: unknown, csv: { filename: string; columns: readonly string[]; rows: Record<string, Cell>[] }): ApiResult {
  if (!wantsCsv(accept)) return ok(json);
  return {
    status: 200,
    body: toCsv(csv.columns, csv.rows),
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${csv.filename}"` },
  };
}

/** A date (`2026-03-01`, the whole UTC day) or a timestamp; `end` makes a bare date cover its day. */
const dateOrTimestamp = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

function toInstant(value: string, end: boolean): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(`${value}T${end ? '23:59:59.999' : '00:00:00.000'}Z`);
  return new Date(value);
}

async function requireCampaign(deps: Parameters<AnyRoute['handler']>[0]['deps'], vendorId: number, campaignId: number) {
  const campaign = await findCampaign(deps.sql, { campaign_id: campaignId, vendor_id: vendorId });
  if (!campaign) throw new NotFoundError('Campaign not found.');
  return campaign;
}

/** A ratio in basis points, rounded half-up, as a decimal string with 4 places ("0.2500"). */
function ratio(numerator: number, denominator: number): string | null {
  if (denominator === 0) return null;
  const bp = roundHalfUp(BigInt(numerator) * 10000n, BigInt(denominator));
  return `${bp / 10000n}.${(bp % 10000n).toString().padStart(4, '0')}`;
}

/** One partner's earnings in one currency (a partner paid in two currencies has two). */
interface PartnerEarnings {
  partner_id: number;
  currency: string;
  actual: bigint;
  byModel: Record<AttributionModel, bigint>;
}

/** Sums each partner's earnings now and under every model, over the stored journeys. */
export function recomputeAttribution(rows: readonly AttributionInputRow[]): { conversions: number; partners: PartnerEarnings[] } {
  const byConversion = new Map<number, AttributionInputRow[]>();
  for (const row of rows) {
    const list = byConversion.get(row.conversion_event_id) ?? [];
    list.push(row);
    byConversion.set(row.conversion_event_id, list);
  }
  const partners = new Map<string, PartnerEarnings>();
  const entryOf = (partnerId: number, currency: string) => {
    const key = `${partnerId}|${currency}`;
    let found = partners.get(key);
    if (!found) {
      found = {
        partner_id: partnerId,
        currency,
        actual: 0n,
        byModel: Object.fromEntries(attributionModels.map((m) => [m, 0n])) as Record<AttributionModel, bigint>,
      };
      partners.set(key, found);
    }
    return found;
  };
  for (const touches of byConversion.values()) {
    const first = touches[0]!;
    const currency = first.currency;
    const parseMoney = (value: string) => parseAmount(value, currency);
    const entry = (partnerId: number) => entryOf(partnerId, currency);
    const commissionCents = first.commission_amount === null ? 0n : parseMoney(first.commission_amount);
    for (const t of touches) entry(t.touch_partner_id).actual += t.touch_value === null ? 0n : parseMoney(t.touch_value);
    const clicks: JourneyClick[] = touches.map((t) => ({
      // A click deleted by retention leaves the touch: its id stands in for the click's.
      clickId: t.touch_click_id ?? `touch-${t.touch_id}`,
      partnerId: t.touch_partner_id,
      campaignVersionId: t.touch_campaign_version_id,
      clickedAt: new Date(t.touch_occurred_at),
    }));
    const models = evaluateAllModels({
      clicks,
      conversionAt: new Date(first.occurred_at),
      halfLifeDays: first.time_decay_half_life_days,
      // The stored touches already passed the cookie window when the conversion was attributed.
      cookieWindowDays: null,
      binding: 'click_id',
      commissionCents,
    });
    for (const model of attributionModels) {
      for (const share of models[model].partners) entry(Number(share.partnerId)).byModel[model] += share.commissionCents;
    }
  }
  return {
    conversions: byConversion.size,
    partners: [...partners.values()].sort((a, b) =>
      a.currency !== b.currency ? (a.currency < b.currency ? -1 : 1) : b.actual > a.actual ? 1 : b.actual < a.actual ? -1 : a.partner_id - b.partner_id,
    ),
  };
}

const topPartnerOut = z.object({
  partner_id: z.number().int(),
  name: z.string(),
  tier: z.string().nullable(),
  currency: z.string().describe('ISO 4217: the amounts of this row (one row per partner and currency)'),
  conversion_count: z.number().int(),
  total_revenue: z.string(),
  total_commission: z.string(),
  avg_commission: z.string(),
});

/** A top-partners row with its amounts in its currency's decimals; the average rounded half-up to its minor unit. */
function topPartnerView(row: TopPartnerRow) {
  const { counted_commission: counted, ...rest } = row;
  const money = (value: string) => formatAmount(parseAmount(value, row.currency), row.currency);
  const average = row.conversion_count === 0 ? 0n : roundHalfUp(parseAmount(counted, row.currency), BigInt(row.conversion_count));
  return {
    ...rest,
    total_revenue: money(row.total_revenue),
    total_commission: money(row.total_commission),
    avg_commission: formatAmount(average, row.currency),
  };
}

export const reportRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/v1/reports/top-partners',
    operationId: 'getTopPartnersReport',
    auth: 'vendor',
    summary: 'Top 10 partners of a campaign by approved (and paid) revenue in [from, to] (JSON, or CSV with Accept: text/csv)',
    tags: ['reports'],
    query: z.strictObject({ campaign_id: idParam, from: dateOrTimestamp.optional(), to: dateOrTimestamp.optional() }),
    responses: { 200: { description: 'Partners by revenue', schema: z.object({ campaign_id: z.number().int(), from: z.string(), to: z.string(), data: z.array(topPartnerOut) }) } },
    handler: async ({ deps, auth, query, event, now }) => {
      await requireCampaign(deps, auth.vendorId, query.campaign_id);
      const to = query.to !== undefined ? toInstant(query.to, true) : now;
      const from = query.from !== undefined ? toInstant(query.from, false) : new Date(to.getTime() - 30 * 86_400_000);
      if (from.getTime() > to.getTime()) throw new ValidationError('from is after to.', [{ path: 'query.from', message: 'Must not be after to.' }]);
      const rows = (await topPartners(deps.sql, { vendor_id: auth.vendorId, campaign_id: query.campaign_id, from, to })).map(topPartnerView);
      return respond(
        headerOf(event, 'accept'),
        { campaign_id: query.campaign_id, from: from.toISOString(), to: to.toISOString(), data: rows },
        { filename: `top-partners-${query.campaign_id}.csv`, columns: ['partner_id', 'name', 'tier', 'currency', 'conversion_count', 'total_revenue', 'total_commission', 'avg_commission'], rows: rows.map((r) => ({ ...r })) },
      );
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/reports/funnel',
    operationId: 'getFunnelReport',
    auth: 'vendor',
    summary: 'Journeys by furthest stage, drop-off between stages, average time to conversion',
    tags: ['reports'],
    query: z.strictObject({ campaign_id: idParam }),
    responses: { 200: { description: 'The funnel' } },
    handler: async ({ deps, auth, query, event }) => {
      await requireCampaign(deps, auth.vendorId, query.campaign_id);
      const scope = { vendor_id: auth.vendorId, campaign_id: query.campaign_id };
      const [stages, summary] = [await funnelStages(deps.sql, scope), await funnelSummary(deps.sql, scope)];
      // reached(stage) = journeys whose furthest stage is this one or a later one; the drop-off
      // at a stage = journeys that went no further and never converted.
      const rows = stages.map((s, i) => {
        const reached = stages.slice(i).reduce((n, x) => n + x.journeys, 0);
        const dropOff = s.journeys - s.converted;
        return {
          stage: s.stage,
          sort_order: s.sort_order,
          journeys_ending_here: s.journeys,
          reached,
          drop_off: dropOff,
          drop_off_rate: ratio(dropOff, reached),
          converted: s.converted,
        };
      });
      return respond(
        headerOf(event, 'accept'),
        {
          campaign_id: query.campaign_id,
          journeys: summary.journeys,
          converted: summary.converted,
          conversion_rate: ratio(summary.converted, summary.journeys),
          avg_seconds_to_conversion: summary.avg_seconds_to_conversion,
          stages: rows,
        },
        { filename: `funnel-${query.campaign_id}.csv`, columns: ['stage', 'sort_order', 'journeys_ending_here', 'reached', 'drop_off', 'drop_off_rate', 'converted'], rows },
      );
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/reports/attribution',
    operationId: 'getAttributionReport',
    auth: 'vendor',
    summary: 'What each partner earns now and would earn under each attribution model (or one, with model=)',
    tags: ['reports'],
    query: z.strictObject({ campaign_id: idParam, model: z.enum(attributionModels).optional() }),
    responses: { 200: { description: 'Earnings by partner and model' } },
    handler: async ({ deps, auth, query, event }) => {
      await requireCampaign(deps, auth.vendorId, query.campaign_id);
      const result = recomputeAttribution(await attributionInputs(deps.sql, { vendor_id: auth.vendorId, campaign_id: query.campaign_id }));
      const names = await partnerNames(deps.sql, result.partners.map((p) => p.partner_id));
      const models = query.model ? [query.model] : [...attributionModels];
      const rows = result.partners.map((p) => ({
        partner_id: p.partner_id,
        name: names.get(p.partner_id) ?? '',
        currency: p.currency,
        actual: formatAmount(p.actual, p.currency),
        ...Object.fromEntries(models.map((m) => [m, formatAmount(p.byModel[m], p.currency)])),
      }));
      // One totals entry per currency: amounts of two currencies are never added.
      const currencies = [...new Set(result.partners.map((p) => p.currency))].sort();
      const totals = currencies.map((currency) => {
        const of = result.partners.filter((p) => p.currency === currency);
        return {
          currency,
          actual: formatAmount(of.reduce((s, p) => s + p.actual, 0n), currency),
          ...Object.fromEntries(models.map((m) => [m, formatAmount(of.reduce((s, p) => s + p.byModel[m], 0n), currency)])),
        };
      });
      return respond(
        headerOf(event, 'accept'),
        { campaign_id: query.campaign_id, conversions: result.conversions, models, partners: rows, totals },
        { filename: `attribution-${query.campaign_id}.csv`, columns: ['partner_id', 'name', 'currency', 'actual', ...models], rows },
      );
    },
  }),
];
