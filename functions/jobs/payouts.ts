/**
 * The `payouts` job: one payout run for a period (docs/payouts.md). Input `{ start_date?,
 * end_date?, minimum?, currency? }`; default period = the previous calendar month (UTC), default
 * minimum `PAYOUT_MINIMUM` env or 50.00. Answers with what it created and whom it skipped.
 */
import { z } from 'zod';
import { ValidationError } from '../platform/http/errors.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { runPayoutRun } from '../repositories/payouts.js';

const dateLike = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO date or timestamp');

export const payoutJobInputSchema = z.object({
  start_date: dateLike.optional(),
  end_date: dateLike.optional(),
  minimum: z.string().regex(/^\d{1,8}(\.\d{1,2})?$/).optional(),
  currency: z.string().regex(/^[A-Za-z]{3}$/).optional(),
});

/** A ValidationError so `POST /v1/admin/jobs/payouts` answers 400; the scheduler just sees it throw. */
export class PayoutJobInputError extends ValidationError {}

export interface PayoutJobResult {
  start_date: string;
  end_date: string;
  minimum: string;
  created: Array<{ payout_id: number; partner_id: number; amount: string; events: number }>;
  skipped: Array<{ partner_id: number; reason: string; amount: string }>;
}

/** The previous calendar month in UTC, as [start, end). */
export function defaultPayoutPeriod(now: Date): { start: Date; end: Date } {
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return { start, end };
}

export async function runPayoutsJob(args: {
  sql: SqlExecutor;
  now: Date;
  input: Record<string, unknown>;
  defaultMinimum?: string;
}): Promise<PayoutJobResult> {
  const parsed = payoutJobInputSchema.safeParse(args.input);
  if (!parsed.success) throw new PayoutJobInputError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const period = defaultPayoutPeriod(args.now);
  const start = parsed.data.start_date ? new Date(parsed.data.start_date) : period.start;
  const end = parsed.data.end_date ? new Date(parsed.data.end_date) : period.end;
  if (end.getTime() <= start.getTime()) throw new PayoutJobInputError('end_date must be after start_date');
  // A run for a period still in progress would miss credits approved later in it.
  if (end.getTime() > args.now.getTime()) throw new PayoutJobInputError('end_date must not be in the future');
  const minimum = parsed.data.minimum ?? args.defaultMinimum ?? '50.00';
  const rows = await runPayoutRun(args.sql, {
    startDate: start.toISOString(),
    endDate: end.toISOString(),
    now: args.now.toISOString(),
    minimum,
    currency: (parsed.data.currency ?? 'USD').toUpperCase(),
  });
  const result: PayoutJobResult = { start_date: start.toISOString(), end_date: end.toISOString(), minimum, created: [], skipped: [] };
  for (const row of rows) {
    if (row.payout_id !== null && row.payout_id !== undefined) {
      result.created.push({ payout_id: Number(row.payout_id), partner_id: Number(row.partner_id), amount: row.amount, events: Number(row.event_count) });
    } else {
      result.skipped.push({ partner_id: Number(row.partner_id), reason: row.skip_reason ?? 'unknown', amount: row.amount });
    }
  }
  console.info(JSON.stringify({ level: 'info', message: 'payout run', created: result.created.length, skipped: result.skipped.length, start: result.start_date, end: result.end_date }));
  return result;
}
