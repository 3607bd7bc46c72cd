/**
 * The payout statement (`runPayoutStatement`) against its pure specification on random ledgers:
 * approved, paid, pending and rejected conversions with one to three touches (a partner may touch
 * one conversion twice; some touches deleted), earlier payouts of every status, some cancelled,
 * holding shares in full, in part, at zero or only netting a clawback (some events deleted),
 * clawbacks netted or still open, credits before and after the period's end, partners with a
 * verified, unverified or no default method. Each ledger is written with SQL, the statement runs
 * in a transaction that is rolled back, and what it created (payouts, their events, the
 * adjustments it netted) and whom it skipped must equal `planPayouts(selectPayableCredits(rows))`
 * over the same rows read back with `SELECT *`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAmount } from '../../../../functions/domain/money/currency.js';
import { formatMoney } from '../../../../functions/domain/money/index.js';
import type { SqlExecutor } from '../../../../functions/ports/sql-executor.js';
import { runPayoutStatement } from '../../../../functions/repositories/payouts/payouts.js';
import { useTestDatabase } from '../../../support/database/use-test-database.js';
import { planPayouts, readLedgerRows, selectPayableCredits } from '../../../support/payout-oracle/index.js';

const PERIOD = { start: '2026-10-01T00:00:00.000Z', end: '2026-11-01T00:00:00.000Z', now: '2026-11-01T06:00:00.000Z' };
const BEFORE_END = '2026-10-15T00:00:00.000Z';
const AFTER_END = '2026-11-01T00:00:00.000Z'; // exactly the end: waits for the next run
const PARTNERS = [1, 2, 3] as const;
const MINIMUM = { text: '10.00', cents: 1000n };
// Earlier payouts take explicit ids far above what the run's own sequence hands out.
const FIRST_EARLIER_PAYOUT_ID = 90_001;

type Method = 'verified' | 'unverified' | 'none';

const touchArb = fc.record({
  partner: fc.constantFrom(...PARTNERS),
  cents: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 4000n })),
  deleted: fc.constantFrom(false, false, false, true),
});
const conversionArb = fc.record({
  status: fc.constantFrom('approved', 'approved', 'approved', 'paid', 'pending', 'rejected'),
  approvedBeforeEnd: fc.boolean(),
  touches: fc.array(touchArb, { minLength: 1, maxLength: 3 }),
});
const earlierPayoutArb = fc.record({
  partner: fc.constantFrom(...PARTNERS),
  status: fc.constantFrom('pending', 'processing', 'completed', 'failed'),
  cancelled: fc.boolean(),
  // Per conversion (by index): not held, held at the partner's share, at zero, or at another amount.
  events: fc.array(fc.record({ conversion: fc.nat(), amount: fc.constantFrom('share', 'zero', 'other'), deleted: fc.constantFrom(false, false, true) }), {
    maxLength: 3,
  }),
});
const adjustmentArb = fc.record({
  conversion: fc.nat(),
  partner: fc.constantFrom(...PARTNERS),
  cents: fc.bigInt({ min: -3000n, max: -1n }),
  // Netted into an earlier payout of the same partner (when it has one), or still owed.
  netted: fc.boolean(),
  createdBeforeEnd: fc.boolean(),
});
const ledgerArb = fc.record({
  methods: fc.tuple(...PARTNERS.map(() => fc.constantFrom<Method>('verified', 'verified', 'unverified', 'none'))),
  conversions: fc.array(conversionArb, { minLength: 1, maxLength: 6 }),
  earlierPayouts: fc.array(earlierPayoutArb, { maxLength: 3 }),
  adjustments: fc.array(adjustmentArb, { maxLength: 3 }),
});
type LedgerValue = typeof ledgerArb extends fc.Arbitrary<infer T> ? T : never;

class Rollback extends Error {}

const db = useTestDatabase(async (database) => {
  await database.sql.query(`INSERT INTO vendors (vendor_id, name, email) VALUES (1, 'Vendor', 'vendor@example.com')`);
  for (const partnerId of PARTNERS) {
    await database.sql.query(`INSERT INTO partners (partner_id, name, email, status) VALUES (:id::int, :name, :email, 'active')`, {
      id: partnerId,
      name: `Partner ${partnerId}`,
      email: `partner${partnerId}@example.com`,
    });
  }
  await database.sql.query(`INSERT INTO campaigns (campaign_id, vendor_id) VALUES (1, 1)`);
  await database.sql.query(
    `INSERT INTO campaign_versions (campaign_version_id, campaign_id, version_number, name, destination_url, default_commission_type)
     VALUES (1, 1, 1, 'v1', 'https://shop.example.com', 'percentage')`,
  );
});

async function writeLedger(tx: SqlExecutor, ledger: LedgerValue): Promise<void> {
  for (const [index, partnerId] of PARTNERS.entries()) {
    const method = ledger.methods[index]!;
    // Every partner has a method (earlier payouts need one); only 'verified'/'unverified' ones are the default.
    await tx.query(
      `INSERT INTO partner_payment_methods (partner_payment_method_id, partner_id, payment_provider_id, provider_account_id, is_default, is_verified)
       SELECT :id::int, :id::int, payment_provider_id, :account, :is_default::boolean, :is_verified::boolean FROM payment_providers WHERE name = 'stripe'`,
      { id: partnerId, account: `acct_${partnerId}`, is_default: method !== 'none', is_verified: method === 'verified' },
    );
  }
  const conversionId = (index: number) => 1000 + (index % ledger.conversions.length);
  for (const [index, c] of ledger.conversions.entries()) {
    const approvedAt = c.status === 'approved' || c.status === 'paid' ? (c.approvedBeforeEnd ? BEFORE_END : AFTER_END) : null;
    await tx.query(
      `INSERT INTO conversion_events (conversion_event_id, vendor_id, conversion_event_type_id, partner_id, campaign_version_id,
         attribution_type, commission_amount, status, approved_at)
       SELECT :id::bigint, 1, conversion_event_type_id, 1, 1, 'linear', :commission::numeric, :status::text, :approved_at::timestamptz
       FROM conversion_event_types WHERE name = 'sale'`,
      { id: conversionId(index), commission: formatMoney(c.touches.reduce((sum, t) => sum + t.cents, 0n)), status: c.status, approved_at: approvedAt },
    );
    for (const t of c.touches) {
      await tx.query(
        `INSERT INTO touches (conversion_event_id, partner_id, campaign_version_id, touch_type, touch_value, attribution_type, is_deleted)
         VALUES (:conversion::bigint, :partner::int, 1, 'middle', :value::numeric, 'linear', :deleted::boolean)`,
        { conversion: conversionId(index), partner: t.partner, value: formatMoney(t.cents), deleted: t.deleted },
      );
    }
  }
  const payoutOf = new Map<number, number>(); // partner -> an earlier payout of theirs
  for (const [index, p] of ledger.earlierPayouts.entries()) {
    const payoutId = FIRST_EARLIER_PAYOUT_ID + index;
    await tx.query(
      `INSERT INTO payouts (payout_id, partner_id, partner_payment_method_id, amount, payment_provider_id, status, start_date, end_date, is_deleted)
       SELECT :id::int, :partner::int, :partner::int, 0, payment_provider_id, :status::text,
              '2026-01-01'::timestamp + :n::int * interval '1 month', '2026-01-01'::timestamp + (:n::int + 1) * interval '1 month', :cancelled::boolean
       FROM payment_providers WHERE name = 'stripe'`,
      { id: payoutId, partner: p.partner, status: p.status, n: index, cancelled: p.cancelled },
    );
    if (!p.cancelled) payoutOf.set(p.partner, payoutId);
    const held = new Set<number>();
    for (const e of p.events) {
      const conversion = conversionId(e.conversion);
      if (held.has(conversion)) continue;
      held.add(conversion);
      const share = ledger.conversions[conversion - 1000]!.touches.filter((t) => t.partner === p.partner && !t.deleted).reduce((sum, t) => sum + t.cents, 0n);
      const cents = e.amount === 'share' ? share : e.amount === 'zero' ? 0n : share + 123n;
      await tx.query(
        `INSERT INTO payout_events (payout_id, conversion_event_id, commission_amount, is_deleted) VALUES (:p::int, :c::bigint, :a::numeric, :deleted::boolean)`,
        { p: payoutId, c: conversion, a: formatMoney(cents), deleted: e.deleted },
      );
    }
  }
  for (const [index, a] of ledger.adjustments.entries()) {
    await tx.query(
      `INSERT INTO commission_adjustments (commission_adjustment_id, conversion_event_id, partner_id, amount, reason, source_event_id, payout_id, created_at)
       VALUES (:id::bigint, :conversion::bigint, :partner::int, :amount::numeric, 'refund', :source, :payout::int, :created_at::timestamptz)`,
      {
        id: 500 + index,
        conversion: conversionId(a.conversion),
        partner: a.partner,
        amount: formatMoney(a.cents),
        source: `re_${index}`,
        payout: a.netted ? (payoutOf.get(a.partner) ?? null) : null,
        created_at: a.createdBeforeEnd ? BEFORE_END : AFTER_END,
      },
    );
  }
}


/** What the pure spec plans for the ledger now in `tx`, in the statement's terms. */
async function expectedRun(tx: SqlExecutor) {
  const rows = await readLedgerRows(tx);
  const { rows: methods } = await tx.query<{ partner_id: number; id: number; payment_provider_id: number; is_verified: boolean }>(
    `SELECT partner_id, partner_payment_method_id AS id, payment_provider_id, is_verified FROM partner_payment_methods WHERE is_default AND is_deleted IS NOT TRUE`,
  );
  const plan = planPayouts({
    periodStart: PERIOD.start,
    periodEnd: PERIOD.end,
    now: PERIOD.now,
    minimumCents: MINIMUM.cents,
    credits: selectPayableCredits(rows),
    partners: PARTNERS.map((partnerId) => {
      const m = methods.find((x) => Number(x.partner_id) === partnerId);
      return { partnerId, ...(m ? { defaultMethod: { id: Number(m.id), providerId: Number(m.payment_provider_id), isVerified: m.is_verified } } : {}) };
    }),
  });
  return {
    created: plan.payouts.map((p) => ({
      partner: p.partnerId,
      cents: p.amountCents,
      events: p.events.map((e) => [e.conversionEventId, e.amountCents]),
      adjustments: p.adjustmentIds,
    })),
    skipped: plan.skipped.map((s) => ({ partner: s.partnerId, reason: s.reason, cents: s.amountCents })),
  };
}

/** Runs the statement in `tx` and reads back what it created, in the same terms. */
async function actualRun(tx: SqlExecutor) {
  const { rows } = await runPayoutStatement(tx, { startDate: PERIOD.start, endDate: PERIOD.end, now: PERIOD.now, minimum: MINIMUM.text });
  const created = [];
  for (const row of rows.filter((r) => r.payout_id !== null)) {
    const { rows: events } = await tx.query<{ conversion_event_id: number; amount: string }>(
      `SELECT conversion_event_id, commission_amount::text AS amount FROM payout_events WHERE payout_id = :id::int ORDER BY conversion_event_id`,
      { id: row.payout_id },
    );
    const { rows: netted } = await tx.query<{ id: number }>(
      `SELECT commission_adjustment_id AS id FROM commission_adjustments WHERE payout_id = :id::int ORDER BY commission_adjustment_id`,
      { id: row.payout_id },
    );
    const { rows: stored } = await tx.query<{ amount: string }>(`SELECT amount::text AS amount FROM payouts WHERE payout_id = :id::int`, { id: row.payout_id });
    // The row's amount, the stored payout's and the sum of its events are one figure.
    expect(parseAmount(stored[0]!.amount, 'USD')).toBe(parseAmount(row.amount, 'USD'));
    expect(Number(row.event_count)).toBe(events.length);
    created.push({
      partner: Number(row.partner_id),
      cents: parseAmount(row.amount, 'USD'),
      events: events.map((e) => [Number(e.conversion_event_id), parseAmount(e.amount, 'USD')]),
      adjustments: netted.map((n) => Number(n.id)),
    });
  }
  const skipped = rows
    .filter((r) => r.payout_id === null)
    .map((r) => ({ partner: Number(r.partner_id), reason: r.skip_reason, cents: parseAmount(r.amount, 'USD') }));
  return { created, skipped, rows };
}

describe('runPayoutStatement', () => {
  it('property: creates exactly the payouts, events and nettings the pure planner plans, skips whom it skips, and a second run in the same period creates nothing', async () => {
    await fc.assert(
      fc.asyncProperty(ledgerArb, async (ledger) => {
        await db.sql
          .transaction(async (tx) => {
            await writeLedger(tx, ledger);
            const expected = await expectedRun(tx);
            const actual = await actualRun(tx);
            expect({ created: actual.created, skipped: actual.skipped }).toEqual(expected);
            // Idempotent: the same period again pays nothing and names each created payout's partner as already paid.
            const again = await runPayoutStatement(tx, { startDate: PERIOD.start, endDate: PERIOD.end, now: PERIOD.now, minimum: MINIMUM.text });
            expect(again.rows.filter((r) => r.payout_id !== null)).toEqual([]);
            throw new Rollback();
          })
          .catch((error: unknown) => {
            if (!(error instanceof Rollback)) throw error;
          });
      }),
      { numRuns: 120 },
    );
  });
});
