import { describe, expect, it, test } from 'vitest';
import { ledgerRowsFromRecords } from './ledger-rows-from-records.js';
import { reconcile } from './reconcile.js';

// As the SQL executor returns them: NUMERIC as strings, BIGINT ids as numbers, ISO timestamps.
const records = {
  conversionEvents: [
    { conversion_event_id: 500, status: 'paid', commission_amount: '90.00', approved_at: '2026-10-02T00:00:00.000Z', is_deleted: false },
    { conversion_event_id: 501, status: 'approved', commission_amount: null, approved_at: null, is_deleted: false },
  ],
  touches: [
    { conversion_event_id: 500, partner_id: 1, touch_value: '56.67', is_deleted: false }, // after a clawback of 10.00
    { conversion_event_id: 500, partner_id: 2, touch_value: '33.33', is_deleted: false },
  ],
  payouts: [
    { payout_id: 1, partner_id: 1, status: 'completed', amount: '56.67', is_deleted: false },
    { payout_id: 2, partner_id: 2, status: 'completed', amount: '33.33', is_deleted: false },
  ],
  payoutEvents: [
    { payout_id: 1, conversion_event_id: 500, commission_amount: '66.67', is_deleted: false },
    { payout_id: 2, conversion_event_id: 500, commission_amount: '33.33', is_deleted: false },
    { payout_id: 1, conversion_event_id: 500, commission_amount: '-10.00', is_deleted: true },
  ],
  commissionAdjustments: [
    {
      commission_adjustment_id: '7',
      conversion_event_id: 500,
      partner_id: 1,
      amount: '-10.00',
      payout_id: null,
      created_at: '2026-11-03T00:00:00.000Z',
      is_deleted: false,
    },
  ],
};

describe('ledgerRowsFromRecords', () => {
  it('maps dictionary columns to cents, exactly', () => {
    const rows = ledgerRowsFromRecords(records);

    expect(rows.conversions[0]).toEqual({
      conversionEventId: 500,
      status: 'paid',
      commissionCents: 9000n,
      approvedAt: '2026-10-02T00:00:00.000Z',
      isDeleted: false,
    });
    expect(rows.conversions[1]!.commissionCents).toBeNull();
    expect(rows.touches.map((t) => t.touchValueCents)).toEqual([5667n, 3333n]);
    expect(rows.payoutEvents[2]).toEqual({ payoutId: 1, conversionEventId: 500, amountCents: -1000n, isDeleted: true });
    expect(rows.adjustments![0]).toMatchObject({ adjustmentId: 7, amountCents: -1000n, payoutId: null });
  });

  it('feeds reconcile: the payout 1 amount is off by the deleted clawback row', () => {
    expect(reconcile(ledgerRowsFromRecords(records))).toEqual([
      { kind: 'payout_amount_not_equal_events', payoutId: 1, partnerId: 1, expectedCents: 5667n, actualCents: 6667n },
    ]);
  });

  test.each([
    ['a float amount', { payouts: [{ payout_id: 1, partner_id: 1, status: 'pending', amount: 12.3 }] }, /NUMERIC string/],
    ['more than two decimals', { payouts: [{ payout_id: 1, partner_id: 1, status: 'pending', amount: '12.345' }] }, /decimal/],
    ['an unknown status', { payouts: [{ payout_id: 1, partner_id: 1, status: 'sent', amount: '1.00' }] }, /unknown status/],
    ['a non-integer id', { payouts: [{ payout_id: 'x', partner_id: 1, status: 'pending', amount: '1.00' }] }, /integer id/],
  ])('refuses %s', (_label, change, message) => {
    expect(() => ledgerRowsFromRecords({ ...records, ...change })).toThrow(message);
  });
});
