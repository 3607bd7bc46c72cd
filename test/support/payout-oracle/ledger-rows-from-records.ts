/**
 * Maps rows as the SQL executor returns them (data-dictionary column names, NUMERIC as decimal
 * strings, timestamps as ISO strings) to the ledger rows the pure payout rules read. Lets a test
 * `SELECT *` the money tables after a SQL job and hand them to `reconcile` or `selectPayableCredits`
 * to cross-check the SQL.
 */
import { parseAmount } from '../../../functions/domain/money/currency.js';
import { parseMoney } from '../../../functions/domain/money/index.js';
import type { AdjustmentRow, ConversionRow, LedgerRows, PayoutEventRow, PayoutRow, TouchRow } from './ledger-rows.js';
import type { ConversionStatus } from '../../../functions/domain/payouts/transition-conversion.js';
import type { PayoutStatus } from '../../../functions/domain/payouts/transition-payout.js';
import type { SqlExecutor } from '../../../functions/ports/sql-executor.js';

type Record_ = Readonly<Record<string, unknown>>;

const CONVERSION_STATUSES = new Set<ConversionStatus>(['pending', 'approved', 'rejected', 'paid']);
const PAYOUT_STATUSES = new Set<PayoutStatus>(['pending', 'processing', 'completed', 'failed']);

function id(record: Record_, column: string): number {
  const value = record[column];
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw new TypeError(`${column} is not an integer id: ${JSON.stringify(value)}`);
  }
  return number;
}

/** In minor units of `currency` when the row's currency is known; as cents for rows without one. */
function money(record: Record_, column: string, currency?: string): bigint | null {
  const value = record[column];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new TypeError(`${column} must be a NUMERIC string, got ${typeof value}`);
  return currency === undefined ? parseMoney(value) : parseAmount(value, currency);
}

function requiredMoney(record: Record_, column: string, currency?: string): bigint {
  const value = money(record, column, currency);
  if (value === null) throw new TypeError(`${column} is null`);
  return value;
}

function status<T extends string>(record: Record_, allowed: Set<T>): T {
  const value = record.status;
  if (typeof value !== 'string' || !allowed.has(value as T)) throw new TypeError(`unknown status ${JSON.stringify(value)}`);
  return value as T;
}

const optionalString = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function ledgerRowsFromRecords(records: {
  conversionEvents: readonly Record_[];
  touches: readonly Record_[];
  payouts: readonly Record_[];
  payoutEvents: readonly Record_[];
  commissionAdjustments?: readonly Record_[];
}): LedgerRows {
  const currencyOf = (r: Record_) => (typeof r.currency === 'string' ? r.currency.trim() : undefined);
  const conversionCurrency = new Map(records.conversionEvents.map((r) => [id(r, 'conversion_event_id'), currencyOf(r)]));
  const payoutCurrency = new Map(records.payouts.map((r) => [id(r, 'payout_id'), currencyOf(r)]));
  const withCurrency = (currency: string | undefined) => (currency === undefined ? {} : { currency });
  return {
    conversions: records.conversionEvents.map(
      (r): ConversionRow => ({
        conversionEventId: id(r, 'conversion_event_id'),
        status: status(r, CONVERSION_STATUSES),
        commissionCents: money(r, 'commission_amount', currencyOf(r)),
        ...withCurrency(currencyOf(r)),
        approvedAt: optionalString(r.approved_at),
        isDeleted: r.is_deleted === true,
      }),
    ),
    touches: records.touches.map(
      (r): TouchRow => ({
        conversionEventId: id(r, 'conversion_event_id'),
        partnerId: id(r, 'partner_id'),
        touchValueCents: money(r, 'touch_value', conversionCurrency.get(id(r, 'conversion_event_id'))),
        isDeleted: r.is_deleted === true,
      }),
    ),
    payouts: records.payouts.map(
      (r): PayoutRow => ({
        payoutId: id(r, 'payout_id'),
        partnerId: id(r, 'partner_id'),
        status: status(r, PAYOUT_STATUSES),
        amountCents: requiredMoney(r, 'amount', currencyOf(r)),
        ...withCurrency(currencyOf(r)),
        isDeleted: r.is_deleted === true,
      }),
    ),
    payoutEvents: records.payoutEvents.map(
      (r): PayoutEventRow => ({
        payoutId: id(r, 'payout_id'),
        conversionEventId: id(r, 'conversion_event_id'),
        amountCents: requiredMoney(r, 'commission_amount', payoutCurrency.get(id(r, 'payout_id'))),
        isDeleted: r.is_deleted === true,
      }),
    ),
    adjustments: (records.commissionAdjustments ?? []).map(
      (r): AdjustmentRow => ({
        adjustmentId: id(r, 'commission_adjustment_id'),
        conversionEventId: id(r, 'conversion_event_id'),
        partnerId: id(r, 'partner_id'),
        amountCents: requiredMoney(r, 'amount', currencyOf(r)),
        ...withCurrency(currencyOf(r)),
        payoutId: r.payout_id === null || r.payout_id === undefined ? null : id(r, 'payout_id'),
        createdAt: optionalString(r.created_at),
        isDeleted: r.is_deleted === true,
      }),
    ),
  };
}

/** The ledger as the database holds it now (every row of the five money tables), read through `sql`. */
export async function readLedgerRows(sql: SqlExecutor): Promise<LedgerRows> {
  const select = async (table: string) => (await sql.query(`SELECT * FROM ${table}`)).rows;
  return ledgerRowsFromRecords({
    conversionEvents: await select('conversion_events'),
    touches: await select('touches'),
    payouts: await select('payouts'),
    payoutEvents: await select('payout_events'),
    commissionAdjustments: await select('commission_adjustments'),
  });
}
