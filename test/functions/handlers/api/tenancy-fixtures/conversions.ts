/** Tenancy objects for the conversions area: one conversion credited within the owning vendor's campaign. */
import { seedConversion } from '../../../../support/fixtures/conversion-seed.js';
import type { TenancyFixture } from './types.js';

export const fixture: TenancyFixture = {
  async setup({ db, ownerVendorId, ids }) {
    const { rows } = await db.sql.query<{ partner_id: number; campaign_version_id: number }>(
      'SELECT partner_id, campaign_version_id FROM campaign_partners WHERE campaign_partner_id = :id::integer',
      { id: ids.campaign_partner_id as number },
    );
    const enrollment = rows[0]!;
    const conversion = await seedConversion(db.sql, {
      vendor_id: ownerVendorId,
      partner_id: enrollment.partner_id,
      campaign_version_id: enrollment.campaign_version_id,
      transaction_id: 'tenancy-fixture-1',
      event_value: '100.00',
      commission_amount: '10.00',
      occurred_at: '2026-02-01T00:00:00.000Z',
    });
    return { id: conversion.conversion_event_id };
  },
};
