/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON asserted field by field. */
/**
 * Partner payment methods through the management API: per-provider schemas (IBAN/BIC checked by
 * ibantools, ABA routing checksum), envelope encryption at rest, masked reads everywhere, the
 * suspended-partner rule and the audit row in the change's transaction.
 */
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../../../functions/handlers/management-api.js';
import type { PlatformDeps } from '../../../../functions/platform/composition-root.js';
import type { SealedRecord } from '../../../../functions/ports/payment-data-cipher.js';
import type { SqlExecutor } from '../../../../functions/ports/sql-executor.js';
import { createApiClient } from '../../../support/platform/api-client.js';
import { adminToken, auditRows, createPartner, expectProblem } from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

const f = useApiFixture();

const post = (key: string, body: unknown) => f.api.post('/v1/partner/payment-methods', body, { token: key });

async function storedRow(id: number) {
  const { rows } = await f.db.sql.query<{ account_details: Record<string, string>; account_details_encrypted: SealedRecord | null; provider_account_id: string | null }>(
    `SELECT account_details, account_details_encrypted, provider_account_id FROM partner_payment_methods WHERE partner_payment_method_id = :id::integer`,
    { id },
  );
  return rows[0]!;
}

describe('POST /v1/partner/payment-methods: what each provider accepts', () => {
  // IBANs and BICs from the SWIFT IBAN registry's examples; routing numbers of real Federal Reserve banks.
  it.each([
    ['wire, IBAN + BIC (DE)', { payment_provider: 'wire', account_details: { iban: 'DE89 3704 0044 0532 0130 00', bic: 'COBADEFFXXX', account_holder: 'Pat Jones' } }],
    ['wire, IBAN + BIC (GB)', { payment_provider: 'wire', account_details: { iban: 'GB29NWBK60161331926819', bic: 'NWBKGB2L' } }],
    ['wire, IBAN + BIC (FR, letters in the BBAN)', { payment_provider: 'wire', account_details: { iban: 'FR1420041010050500013M02606', bic: 'PSSTFRPPPAR' } }],
    ['wire, US account + routing', { payment_provider: 'wire', account_details: { account_number: '000123456789', routing_number: '021000021' } }],
    ['wire, US account + routing (Boston Fed)', { payment_provider: 'wire', account_details: { account_number: '4567', routing_number: '011000015' } }],
    ['paypal by email', { payment_provider: 'paypal', account_details: { email: 'Pat@Example.com' } }],
    ['paypal by payer id', { payment_provider: 'paypal', provider_account_id: 'C7CYMKZDG8D6E' }],
    ['stripe connected account', { payment_provider: 'stripe', provider_account_id: 'acct_1Nv0FGQ9RKHgCVdK' }],
  ])('%s -> 201', async (_label, body) => {
    const partner = await createPartner(f.api);
    const res = await post(partner.key, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.payment_provider).toBe(body.payment_provider);
  });

  it.each([
    ['an IBAN with a wrong check digit', { payment_provider: 'wire', account_details: { iban: 'GB29NWBK60161331926818', bic: 'NWBKGB2L' } }, 'body.account_details.iban', /IBAN/],
    ['an IBAN of an unknown country format', { payment_provider: 'wire', account_details: { iban: 'XX89370400440532013000', bic: 'COBADEFFXXX' } }, 'body.account_details.iban', /IBAN/],
    ['a malformed BIC', { payment_provider: 'wire', account_details: { iban: 'DE89370400440532013000', bic: 'COBA12' } }, 'body.account_details.bic', /BIC/],
    ['an IBAN without its BIC', { payment_provider: 'wire', account_details: { iban: 'DE89370400440532013000' } }, 'body.account_details.bic', /Required with iban/],
    ['a routing number failing the ABA checksum', { payment_provider: 'wire', account_details: { account_number: '000123456789', routing_number: '021000022' } }, 'body.account_details.routing_number', /ABA/],
    ['an account number without routing number', { payment_provider: 'wire', account_details: { account_number: '000123456789' } }, 'body.account_details.routing_number', /Required/],
    ['both IBAN and US account', { payment_provider: 'wire', account_details: { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', account_number: '1234', routing_number: '021000021' } }, 'body.account_details', /either/],
    ['no account at all', { payment_provider: 'wire', account_details: { account_holder: 'Pat' } }, 'body.account_details', /needs iban/],
    ['a card number', { payment_provider: 'wire', account_details: { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', card_number: '4242424242424242' } }, 'body.account_details.card_number', /Unknown field/],
    ['a CVV', { payment_provider: 'paypal', account_details: { email: 'pat@example.com', cvv: '123' } }, 'body.account_details.cvv', /Unknown field/],
    ['a card number typed as the holder name', { payment_provider: 'wire', account_details: { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', account_holder: '4242 4242 4242 4242' } }, 'body.account_details.account_holder', /card/],
    ['paypal with neither email nor payer id', { payment_provider: 'paypal' }, 'body.account_details.email', /PayPal/],
    ['paypal with a malformed email', { payment_provider: 'paypal', account_details: { email: 'not-an-email' } }, 'body.account_details.email', /.+/],
    ['stripe without acct_', { payment_provider: 'stripe', provider_account_id: 'nope' }, 'body.provider_account_id', /acct_/],
    ['stripe with account details', { payment_provider: 'stripe', provider_account_id: 'acct_1Nv0FGQ9RKHgCVdK', account_details: { iban: 'DE89370400440532013000' } }, 'body.account_details.iban', /Unknown field/],
    ['wire with a provider_account_id', { payment_provider: 'wire', provider_account_id: 'x', account_details: { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' } }, 'body.provider_account_id', /Unknown field/],
    ['an unknown provider', { payment_provider: 'venmo', account_details: {} }, 'body.payment_provider', /payment_provider/],
    // Issue 12: the contract's name is payment_provider; the old `provider` is answered with it.
    ['the old field name provider', { provider: 'wire', account_details: { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' } }, 'body.payment_provider', /replaces the field provider/],
    ['provider beside payment_provider', { provider: 'wire', payment_provider: 'wire', account_details: { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' } }, 'body.provider', /Unknown field/],
  ])('%s -> 400 naming %s', async (_label, body, path, message) => {
    const partner = await createPartner(f.api);
    const res = await post(partner.key, body);
    expectProblem(res, 400);
    expect(res.body.errors).toContainEqual({ path, message: expect.stringMatching(message) });
    const { rows } = await f.db.sql.query(`SELECT 1 FROM partner_payment_methods WHERE partner_id = :p::integer`, { p: partner.partner_id });
    expect(rows).toHaveLength(0);
  });
});

describe('payment details at rest and on every read', () => {
  const iban = 'DE89370400440532013000';

  it('are stored sealed (AES-256-GCM under a wrapped data key), never in clear, and read back masked by partner and operator', async () => {
    const partner = await createPartner(f.api);
    const res = await post(partner.key, { payment_provider: 'wire', account_details: { iban, bic: 'COBADEFFXXX', account_holder: 'Pat Jones' } });
    expect(res.status).toBe(201);
    const masked = { iban: '****3000', bic: '****FXXX', account_holder: '****ones' };
    expect(res.body.account_details).toEqual(masked);
    const id = res.body.partner_payment_method_id;

    const row = await storedRow(id);
    expect(row.account_details).toEqual(masked);
    expect(row.account_details_encrypted).toMatchObject({ v: 1, alg: 'AES-256-GCM', kek: 'local' });
    const everything = JSON.stringify((await f.db.sql.query(`SELECT * FROM partner_payment_methods WHERE partner_payment_method_id = :id::integer`, { id })).rows);
    expect(everything).not.toContain(iban);
    expect(everything).not.toContain('COBADEFF');
    expect(everything).not.toContain('Pat Jones');
    expect(JSON.stringify(await auditRows(f.db, 'partner_payment_methods', id))).not.toContain(iban);

    const list = await f.api.get('/v1/partner/payment-methods', { token: partner.key });
    expect(list.body.data).toEqual([expect.objectContaining({ partner_payment_method_id: id, account_details: masked })]);
    const verified = await f.api.post(`/v1/admin/payment-methods/${id}/verify`, undefined, { token: adminToken });
    expect(verified.body).toMatchObject({ is_verified: true, account_details: masked });

    // Only the cipher opens it, and only for this partner (the context is authenticated).
    const sealed = row.account_details_encrypted!;
    expect(await f.deps.paymentDataCipher!.open(sealed, { partner_id: String(partner.partner_id) })).toEqual({ iban, bic: 'COBADEFFXXX', account_holder: 'Pat Jones' });
    await expect(f.deps.paymentDataCipher!.open(sealed, { partner_id: String(partner.partner_id + 1) })).rejects.toThrow(/unwrapped|authenticate/);
  });

  it('provider account ids are masked on reads too; rows written before 0011 (clear) are masked on the way out', async () => {
    const partner = await createPartner(f.api);
    const res = await post(partner.key, { payment_provider: 'stripe', provider_account_id: 'acct_1Nv0FGQ9RKHgCVdK' });
    expect(res.body.provider_account_id).toBe('****CVdK');
    await f.db.sql.query(
      `INSERT INTO partner_payment_methods (partner_id, payment_provider_id, account_details, is_default)
       VALUES (:p::integer, (SELECT payment_provider_id FROM payment_providers WHERE name = 'wire'), :d::jsonb, FALSE)`,
      { p: partner.partner_id, d: { iban: 'GB29NWBK60161331926819', bic: 'NWBKGB2L' } },
    );
    const list = await f.api.get('/v1/partner/payment-methods', { token: partner.key });
    expect(list.body.data.map((m: any) => m.account_details)).toEqual([{}, { iban: '****6819', bic: '****GB2L' }]);
    expect(JSON.stringify(list.body)).not.toContain('GB29NWBK');
  });

  it('without a configured cipher nothing is stored in clear: 500', async () => {
    const bare: PlatformDeps = { ...f.deps, paymentDataCipher: undefined };
    const api = createApiClient(createHandler(bare, { linkStore: f.linkStore }));
    const partner = await createPartner(f.api);
    const res = await api.post('/v1/partner/payment-methods', { payment_provider: 'wire', account_details: { iban, bic: 'COBADEFFXXX' } }, { token: partner.key });
    expect(res.status).toBe(500);
    expect((await f.db.sql.query(`SELECT 1 FROM partner_payment_methods WHERE partner_id = :p::integer`, { p: partner.partner_id })).rows).toHaveLength(0);
  });
});

describe('who may change payment methods, and the audit row', () => {
  it('a suspended partner cannot add one (403, nothing written); reactivated, it can', async () => {
    const partner = await createPartner(f.api);
    await f.api.post(`/v1/admin/partners/${partner.partner_id}/suspend`, { reason: 'fraud review' }, { token: adminToken });
    const body = { payment_provider: 'paypal', account_details: { email: 'pat@example.com' } };
    expectProblem(await post(partner.key, body), 403);
    expect((await f.db.sql.query(`SELECT 1 FROM partner_payment_methods WHERE partner_id = :p::integer`, { p: partner.partner_id })).rows).toHaveLength(0);
    await f.api.post(`/v1/admin/partners/${partner.partner_id}/activate`, {}, { token: adminToken });
    expect((await post(partner.key, body)).status).toBe(201);
  });

  it('the audit row is written in the same transaction: a failure after the change rolls back both', async () => {
    const partner = await createPartner(f.api);
    // An executor whose audit INSERT fails, after the method's INSERT has run in the same transaction.
    const failAudit = (sql: SqlExecutor): SqlExecutor => ({
      query: async (text, params) => {
        if (/INSERT INTO audit_logs/i.test(text)) throw new Error('injected failure writing the audit row');
        return sql.query(text, params);
      },
      transaction: (work) => sql.transaction((tx) => work(failAudit(tx))),
    });
    const broken: PlatformDeps = Object.create(f.deps, { sql: { value: failAudit(f.db.sql) } });
    const api = createApiClient(createHandler(broken, { linkStore: f.linkStore }));
    const res = await api.post('/v1/partner/payment-methods', { payment_provider: 'paypal', account_details: { email: 'pat@example.com' } }, { token: partner.key });
    expect(res.status).toBe(500);
    expect((await f.db.sql.query(`SELECT 1 FROM partner_payment_methods WHERE partner_id = :p::integer`, { p: partner.partner_id })).rows).toHaveLength(0);
    const { rows } = await f.db.sql.query(`SELECT 1 FROM audit_logs WHERE entity_type = 'partner_payment_methods' AND changes::text LIKE '%pat@%'`);
    expect(rows).toHaveLength(0);

    const ok = await post(partner.key, { payment_provider: 'paypal', account_details: { email: 'pat@example.com' } });
    expect(ok.status).toBe(201);
    expect(await auditRows(f.db, 'partner_payment_methods', ok.body.partner_payment_method_id)).toEqual([
      expect.objectContaining({ action: 'create', actor_type: 'partner', actor_id: partner.partner_id }),
    ]);
  });
});
