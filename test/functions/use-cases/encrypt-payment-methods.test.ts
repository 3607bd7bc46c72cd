/**
 * The migration path for payment details stored in clear before 0011: the job, run as the
 * operator runs it (through the management API, where the key is), seals and masks each row once.
 */
import { describe, expect, it } from 'vitest';
import { encryptPaymentMethods } from '../../../functions/use-cases/encrypt-payment-methods.js';
import type { SealedRecord } from '../../../functions/ports/payment-data-cipher.js';
import { seedPaymentMethod } from '../../support/fixtures/payout-fixtures.js';
import { adminToken, auditRows, createPartner } from '../../support/platform/api-fixture.js';
import { useApiFixture } from '../../support/platform/use-api-fixture.js';

const f = useApiFixture();

async function row(id: number) {
  const { rows } = await f.db.sql.query<{ account_details: Record<string, unknown>; account_details_encrypted: SealedRecord | null }>(
    `SELECT account_details, account_details_encrypted FROM partner_payment_methods WHERE partner_payment_method_id = :id::integer`,
    { id },
  );
  return rows[0]!;
}

describe('encrypt-payment-methods', () => {
  it('seals every clear row once, masks it, audits it; a second run finds nothing', async () => {
    const a = await createPartner(f.api);
    const b = await createPartner(f.api);
    const wire = { iban: 'GB29NWBK60161331926819', bic: 'NWBKGB2L', account_holder: 'Alex Doe' };
    const paypal = { email: 'bee@example.com' };
    const wireId = await seedPaymentMethod(f.db.sql, { partnerId: a.partner_id, provider: 'wire', details: wire });
    const paypalId = await seedPaymentMethod(f.db.sql, { partnerId: b.partner_id, provider: 'paypal', details: paypal });
    const stripeId = await seedPaymentMethod(f.db.sql, { partnerId: b.partner_id, provider: 'stripe', accountId: 'acct_1Legacy', isDefault: false });

    const run = await f.api.post('/v1/admin/jobs/encrypt-payment-methods', {}, { token: adminToken });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    expect(run.body.result).toEqual({ sealed: 2, changed_meanwhile: 0 });

    const sealedWire = await row(wireId);
    expect(sealedWire.account_details).toEqual({ iban: '****6819', bic: '****GB2L', account_holder: '**** Doe' });
    expect(JSON.stringify(sealedWire)).not.toContain('GB29NWBK');
    expect(await f.deps.paymentDataCipher!.open(sealedWire.account_details_encrypted!, { partner_id: String(a.partner_id) })).toEqual(wire);
    expect(await f.deps.paymentDataCipher!.open((await row(paypalId)).account_details_encrypted!, { partner_id: String(b.partner_id) })).toEqual(paypal);
    expect((await row(stripeId)).account_details_encrypted).toBeNull();
    expect(await auditRows(f.db, 'partner_payment_methods', wireId)).toEqual([expect.objectContaining({ action: 'encrypt', actor_type: 'system' })]);

    const again = await f.api.post('/v1/admin/jobs/encrypt-payment-methods', {}, { token: adminToken });
    expect(again.body.result).toEqual({ sealed: 0, changed_meanwhile: 0 });
  });

  it('refuses to run without the key (the scheduled-jobs function has none), changing nothing', async () => {
    const p = await createPartner(f.api);
    const id = await seedPaymentMethod(f.db.sql, { partnerId: p.partner_id, provider: 'paypal', details: { email: 'c@example.com' } });
    await expect(encryptPaymentMethods({ sql: f.db.sql, cipher: undefined, now: new Date(), input: {} })).rejects.toThrow(/needs the payment-data key/);
    expect((await row(id)).account_details).toEqual({ email: 'c@example.com' });
  });
});
