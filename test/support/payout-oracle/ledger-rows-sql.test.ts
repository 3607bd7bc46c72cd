/**
 * The pure payout rules read rows straight from the migrated schema: the balanced ledger fixture
 * is written with SQL, read back with `SELECT *` through the platform's executor, mapped by
 * `ledgerRowsFromRecords` and checked. This is how the SQL jobs' tests cross-check themselves.
 */
import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../../functions/domain/money/index.js';
import { readLedgerRows } from './ledger-rows-from-records.js';
import { reconcile } from './reconcile.js';
import { selectPayableCredits } from './select-payable-credits.js';
import type { SqlExecutor } from '../../../functions/ports/sql-executor.js';
import { useTestDatabase } from '../database/use-test-database.js';
import { A, B, balancedLedger } from './ledger-fixture.js';


async function writeLedger(sql: SqlExecutor) {
  const ledger = balancedLedger();
  await sql.query(`INSERT INTO vendors (vendor_id, name, email) VALUES (1, 'Vendor', 'vendor@example.com')`);
  for (const partnerId of [A, B]) {
    await sql.query(`INSERT INTO partners (partner_id, name, email) VALUES (:id::int, :name, :email)`, {
      id: partnerId,
      name: `Partner ${partnerId}`,
      email: `partner${partnerId}@example.com`,
    });
    await sql.query(
      `INSERT INTO partner_payment_methods (partner_payment_method_id, partner_id, payment_provider_id, provider_account_id, is_default, is_verified)
       SELECT :id::int, :id::int, payment_provider_id, :account, TRUE, TRUE FROM payment_providers WHERE name = 'stripe'`,
      { id: partnerId, account: `acct_${partnerId}` },
    );
  }
  await sql.query(`INSERT INTO campaigns (campaign_id, vendor_id) VALUES (1, 1)`);
  await sql.query(
    `INSERT INTO campaign_versions (campaign_version_id, campaign_id, version_number, name, destination_url, default_commission_type)
     VALUES (1, 1, 1, 'v1', 'https://shop.example.com', 'percentage')`,
  );
  for (const c of ledger.conversions) {
    await sql.query(
      `INSERT INTO conversion_events (conversion_event_id, vendor_id, conversion_event_type_id, partner_id, campaign_version_id,
         attribution_type, commission_amount, status, approved_at)
       SELECT :id::bigint, 1, conversion_event_type_id, 1, 1, 'linear', :commission::numeric, :status::text,
         CASE WHEN :status::text IN ('approved', 'paid') THEN '2026-10-02T00:00:00Z'::timestamp END
       FROM conversion_event_types WHERE name = 'sale'`,
      { id: c.conversionEventId, commission: formatMoney(c.commissionCents ?? 0n), status: c.status },
    );
  }
  for (const t of ledger.touches) {
    await sql.query(
      `INSERT INTO touches (conversion_event_id, partner_id, campaign_version_id, touch_type, touch_value, attribution_type)
       VALUES (:conversion::bigint, :partner::int, 1, 'middle', :value::numeric, 'linear')`,
      { conversion: t.conversionEventId, partner: t.partnerId, value: formatMoney(t.touchValueCents ?? 0n) },
    );
  }
  for (const p of ledger.payouts) {
    await sql.query(
      `INSERT INTO payouts (payout_id, partner_id, partner_payment_method_id, amount, payment_provider_id, status, start_date, end_date)
       SELECT :id::int, :partner::int, :partner::int, :amount::numeric, payment_provider_id, :status::text,
         -- one period per payout: a partner has one live payout per period (schema 0006)
         '2020-01-01'::timestamp + :id::int * interval '1 month', '2020-01-01'::timestamp + (:id::int + 1) * interval '1 month'
       FROM payment_providers WHERE name = 'stripe'`,
      { id: p.payoutId, partner: p.partnerId, amount: formatMoney(p.amountCents), status: p.status },
    );
  }
  for (const e of ledger.payoutEvents) {
    await sql.query(
      `INSERT INTO payout_events (payout_id, conversion_event_id, commission_amount) VALUES (:payout::int, :conversion::bigint, :amount::numeric)`,
      { payout: e.payoutId, conversion: e.conversionEventId, amount: formatMoney(e.amountCents) },
    );
  }
  for (const a of ledger.adjustments) {
    await sql.query(
      `INSERT INTO commission_adjustments (commission_adjustment_id, conversion_event_id, partner_id, amount, reason, source_event_id, payout_id)
       VALUES (:id::bigint, :conversion::bigint, :partner::int, :amount::numeric, 'refund', :source, :payout::int)`,
      {
        id: a.adjustmentId,
        conversion: a.conversionEventId,
        partner: a.partnerId,
        amount: formatMoney(a.amountCents),
        source: `re_${a.adjustmentId}`,
        payout: a.payoutId,
      },
    );
  }
}


const db = useTestDatabase(async () => {
  await writeLedger(db.sql);
});

describe('ledger rows read from the schema', () => {
  it('the balanced ledger written with SQL reconciles and offers only the owed clawback', async () => {
    const rows = await readLedgerRows(db.sql);

    expect(rows.conversions).toHaveLength(5);
    expect(rows.touches).toHaveLength(7);
    expect(reconcile(rows)).toEqual([]);
    expect(selectPayableCredits(rows)).toEqual([
      // eligibleAt is the adjustment's created_at, an ISO UTC string from the executor
      { partnerId: B, conversionEventId: 500, amountCents: -500n, adjustmentId: 10, eligibleAt: expect.stringMatching(/Z$/) },
    ]);
  });

  it('a payout amount edited in the database is reported', async () => {
    await db.sql.transaction(async (tx) => {
      await tx.query(`UPDATE payouts SET amount = 66.00 WHERE payout_id = 1`);
      const violations = reconcile(await readLedgerRows(tx));
      expect(violations).toEqual([
        { kind: 'payout_amount_not_equal_events', payoutId: 1, partnerId: A, expectedCents: 6600n, actualCents: 6667n },
      ]);
      // Leave the shared database as it was for other tests.
      throw new Rollback();
    }).catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
    expect(reconcile(await readLedgerRows(db.sql))).toEqual([]);
  });
});

class Rollback extends Error {}
