/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON asserted field by field. */
/**
 * `GET /v1/admin/payment-methods`: the operator console's list of payout destinations, masked,
 * with `verified=false` as the verification queue.
 */
import { describe, expect, it } from 'vitest';
import { adminToken, createPartner } from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

const f = useApiFixture();

describe('GET /v1/admin/payment-methods', () => {
  it('lists methods awaiting verification, masked; a verified one leaves that list; a partner gets 403', async () => {
    const partner = await createPartner(f.api);
    const added = await f.api.post(
      '/v1/partner/payment-methods',
      { payment_provider: 'wire', account_details: { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' }, is_default: true },
      { token: partner.key },
    );
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const id = added.body.partner_payment_method_id;

    const waiting = await f.api.get('/v1/admin/payment-methods', { token: adminToken, query: { verified: 'false' } });
    expect(waiting.status).toBe(200);
    const row = waiting.body.data.find((m: any) => m.partner_payment_method_id === id);
    expect(row).toMatchObject({ partner_id: partner.partner_id, payment_provider: 'wire', is_verified: false });
    expect(JSON.stringify(row)).not.toContain('DE89370400440532013000');
    expect(row.account_details.iban).toMatch(/3000$/);

    expect((await f.api.post(`/v1/admin/payment-methods/${id}/verify`, {}, { token: adminToken })).status).toBe(200);
    const after = await f.api.get('/v1/admin/payment-methods', { token: adminToken, query: { verified: 'false' } });
    expect(after.body.data.some((m: any) => m.partner_payment_method_id === id)).toBe(false);
    const verified = await f.api.get('/v1/admin/payment-methods', { token: adminToken, query: { verified: 'true' } });
    expect(verified.body.data.find((m: any) => m.partner_payment_method_id === id)).toMatchObject({ is_verified: true });

    expect((await f.api.get('/v1/admin/payment-methods', { token: partner.key })).status).toBe(403);
  });

  it('rejects an unknown filter value naming the field', async () => {
    const res = await f.api.get('/v1/admin/payment-methods', { token: adminToken, query: { verified: 'maybe' } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.path)).toContain('query.verified');
  });
});
