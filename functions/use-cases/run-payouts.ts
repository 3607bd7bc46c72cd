/**
 * Runs payouts (the `payouts` job): one payout run for a period (docs/payouts.md). Input `{ start_date?,
 * end_date?, minimum?, minimums?, currency? }`; default period = the previous calendar month
 * (UTC). One payout per partner and currency, each at least its currency's threshold
 * (`resolvePayoutThresholds`, docs/money.md); `currency` limits the run to one currency. Answers
 * with what it created and whom it skipped.
 */
import { z } from 'zod';
import { formatAmount, isCurrencyCode, parseAmount } from '../domain/money/currency.js';
import { InvalidDecimalError } from '../domain/money/index.js';
import { parsePayoutMinimums, resolvePayoutThresholds } from '../domain/payouts/payout-thresholds.js';
import { ValidationError } from '../domain/errors.js';
import { silentLogger, silentMetrics } from '../platform/silent-telemetry.js';
import type { BusinessMetrics } from '../ports/business-metrics.js';
import type { Logger } from '../ports/logger.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { auditCreatedPayouts, lockPayoutRuns, runPayoutStatement } from '../repositories/payouts/payouts.js';

const dateLike = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO date or timestamp');

export const payoutJobInputSchema = z.object({
  start_date: dateLike.optional(),
  end_date: dateLike.optional(),
  /** In major units of each currency the run pays and `minimums` does not name: "50" is 50 USD, 50 JPY. */
  minimum: z.string().regex(/^\d{1,8}(\.\d{1,3})?$/).optional(),
  /** Per currency, in its major unit: `{ "JPY": "5000", "EUR": "40.00" }`. */
  minimums: z.record(z.string().regex(/^[A-Z]{3}$/), z.string().regex(/^\d{1,8}(\.\d{1,3})?$/)).optional(),
  currency: z
    .string()
    .transform((c) => c.toUpperCase())
    .refine((c) => isCurrencyCode(c), 'must be an ISO 4217 currency code')
    .optional(),
});

/** A ValidationError so `POST /v1/admin/jobs/payouts` answers 400; the scheduler just sees it throw. */
export class PayoutJobInputError extends ValidationError {}

export interface PayoutJobResult {
  start_date: string;
  end_date: string;
  /** The threshold of currencies `thresholds` does not name (major units). */
  minimum: string;
  thresholds: Record<string, string>;
  created: Array<{ payout_id: number; partner_id: number; currency: string; amount: string; events: number }>;
  skipped: Array<{ partner_id: number; currency: string; reason: string; amount: string; minimum: string }>;
}

/** The previous calendar month in UTC, as [start, end). */
export function defaultPayoutPeriod(now: Date): { start: Date; end: Date } {
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return { start, end };
}

export async function runPayouts(args: {
  sql: SqlExecutor;
  now: Date;
  input: Record<string, unknown>;
  logger?: Logger;
  metrics?: BusinessMetrics;
  /** `PAYOUT_MINIMUM`: one threshold, major units, for every currency. */
  defaultMinimum?: string;
  /** `PAYOUT_MINIMUMS`: "EUR=40.00,JPY=6000". */
  configuredMinimums?: string;
}): Promise<PayoutJobResult> {
  const parsed = payoutJobInputSchema.safeParse(args.input);
  if (!parsed.success) throw new PayoutJobInputError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const period = defaultPayoutPeriod(args.now);
  const start = parsed.data.start_date ? new Date(parsed.data.start_date) : period.start;
  const end = parsed.data.end_date ? new Date(parsed.data.end_date) : period.end;
  if (end.getTime() <= start.getTime()) throw new PayoutJobInputError('end_date must be after start_date');
  // A run for a period still in progress would miss credits approved later in it.
  if (end.getTime() > args.now.getTime()) throw new PayoutJobInputError('end_date must not be in the future');
  let resolved: ReturnType<typeof resolvePayoutThresholds>;
  try {
    resolved = resolvePayoutThresholds({
      runMinimums: parsed.data.minimums,
      runMinimum: parsed.data.minimum,
      configuredMinimums: parsePayoutMinimums(args.configuredMinimums),
      configuredMinimum: args.defaultMinimum,
    });
  } catch (error) {
    if (error instanceof InvalidDecimalError) throw new PayoutJobInputError(`minimums: ${error.message}`);
    throw error;
  }
  const now = args.now.toISOString();
  // One transaction, serialised with any other run by the advisory lock.
  const rows = await args.sql.transaction(async (tx) => {
    await lockPayoutRuns(tx);
    const { rows: planned } = await runPayoutStatement(tx, {
      startDate: start.toISOString(),
      endDate: end.toISOString(),
      now,
      minimum: resolved.otherwise,
      thresholds: resolved.thresholds,
      ...(parsed.data.currency ? { currency: parsed.data.currency } : {}),
    });
    const payoutIds = planned.flatMap((r) => (r.payout_id === null || r.payout_id === undefined ? [] : [Number(r.payout_id)]));
    await auditCreatedPayouts(tx, { payoutIds, now });
    return planned;
  });
  const result: PayoutJobResult = {
    start_date: start.toISOString(),
    end_date: end.toISOString(),
    minimum: resolved.otherwise,
    thresholds: resolved.thresholds,
    created: [],
    skipped: [],
  };
  for (const row of rows) {
    const amount = formatAmount(parseAmount(row.amount, row.currency), row.currency);
    if (row.payout_id !== null && row.payout_id !== undefined) {
      result.created.push({ payout_id: Number(row.payout_id), partner_id: Number(row.partner_id), currency: row.currency, amount, events: Number(row.event_count) });
    } else {
      result.skipped.push({
        partner_id: Number(row.partner_id),
        currency: row.currency,
        reason: row.skip_reason ?? 'unknown',
        amount,
        minimum: row.minimum,
      });
    }
  }
  const metrics = args.metrics ?? silentMetrics;
  const createdPerCurrency = new Map<string, number>();
  for (const payout of result.created) createdPerCurrency.set(payout.currency, (createdPerCurrency.get(payout.currency) ?? 0) + 1);
  for (const [currency, count] of createdPerCurrency) metrics.add('PayoutsCreated', count, { currency });
  (args.logger ?? silentLogger).info('payout run', {
    created: result.created.length,
    skipped: result.skipped.length,
    start_date: result.start_date,
    end_date: result.end_date,
  });
  return result;
}
