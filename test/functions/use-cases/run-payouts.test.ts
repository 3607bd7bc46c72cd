/** The payout run as a use case: one payout per partner and currency, counted per currency in `PayoutsCreated`. */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/domain/errors.js';
import { runPayouts } from '../../../functions/use-cases/run-payouts.js';
import { useTestDatabase } from '../../support/database/use-test-database.js';
import { seedPayableConversion, seedPaymentMethod } from '../../support/fixtures/payout-fixtures.js';
import { expectBalanced } from '../../support/books/reconcile.js';
import { seedCampaignVersion, seedPartner, seedVendor } from '../../support/fixtures/seed.js';
import { recordingLogger, recordingMetrics } from '../../support/fixtures/recording-telemetry.js';

const now = new Date('2026-03-01T12:00:00.000Z');
const partners: Record<'usd' | 'both' | 'small', number> = { usd: 0, both: 0, small: 0 };

const db = useTestDatabase(async () => {
  const sql = db.sql;
  const { vendorId } = await seedVendor(sql);
  const { campaignVersionId } = await seedCampaignVersion(sql, vendorId);
  for (const key of Object.keys(partners) as Array<keyof typeof partners>) {
    partners[key] = (await seedPartner(sql)).partnerId;
    await seedPaymentMethod(sql, { partnerId: partners[key], provider: 'wire', details: { iban: 'DE89370400440532013000' } });
  }
  const seed = (partnerId: number, value: string) => seedPayableConversion(sql, { vendorId, campaignVersionId, status: 'approved', shares: [[partnerId, value]] });
  await seed(partners.usd, '60.00'); // $60.00: paid
  await seed(partners.both, '55.00'); // $55.00: paid
  const euro = await seed(partners.both, '70.00'); // EUR 70.00: paid in a payout of its own
  await sql.query(`UPDATE conversion_events SET currency = 'EUR' WHERE conversion_event_id = :id::bigint`, { id: euro });
  await seed(partners.small, '20.00'); // $20.00: below the $50.00 threshold
}, 60_000);

describe('runPayouts', () => {
  it('creates one payout per partner and currency, skips one below its threshold, and counts them per currency', async () => {
    const metrics = recordingMetrics();
    const logger = recordingLogger();
    const result = await runPayouts({ sql: db.sql, now, input: {}, metrics, logger });

    expect(result.created.map((c) => [c.partner_id, c.currency, c.amount])).toEqual([
      [partners.usd, 'USD', '60.00'],
      [partners.both, 'EUR', '70.00'],
      [partners.both, 'USD', '55.00'],
    ]);
    expect(result.skipped).toEqual([{ partner_id: partners.small, currency: 'USD', reason: 'below_threshold', amount: '20.00', minimum: '50.00' }]);
    expect(metrics.recorded).toEqual([
      { name: 'PayoutsCreated', value: 2, dimensions: { currency: 'USD' } },
      { name: 'PayoutsCreated', value: 1, dimensions: { currency: 'EUR' } },
    ]);
    expect(logger.lines).toEqual([
      { level: 'info', message: 'payout run', fields: { created: 3, skipped: 1, start_date: '2026-02-01T00:00:00.000Z', end_date: '2026-03-01T00:00:00.000Z' } },
    ]);
    const audited = await db.sql.query<{ n: number }>(`SELECT COUNT(*)::integer AS n FROM audit_logs WHERE entity_type = 'payouts' AND action = 'create'`);
    expect(audited.rows[0]!.n).toBe(3);
    await expectBalanced(db.sql);
  });

  it('a second run of the same period creates nothing and counts nothing', async () => {
    const metrics = recordingMetrics();
    const again = await runPayouts({ sql: db.sql, now, input: {}, metrics });
    expect(again.created).toEqual([]);
    expect(metrics.recorded).toEqual([]);
  });

  it('refuses a period that has not ended with a domain ValidationError, before touching the database', async () => {
    const metrics = recordingMetrics();
    const run = runPayouts({ sql: db.sql, now, input: { start_date: '2026-03-01', end_date: '2026-04-01' }, metrics });
    await expect(run).rejects.toBeInstanceOf(ValidationError);
    await expect(run).rejects.toThrow('end_date must not be in the future');
    expect(metrics.recorded).toEqual([]);
  });
});
