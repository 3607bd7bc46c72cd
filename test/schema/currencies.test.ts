/**
 * The `currencies` table (migration 0008) against ISO 4217 as the `currency-codes` package
 * publishes it: the same codes the code accepts, each with the standard's minor unit. And the
 * foreign keys: a currency column takes only those codes.
 */
import currencyCodes from 'currency-codes';
import { describe, expect, it } from 'vitest';
import { isCurrencyCode } from '../../functions/domain/money/currency.js';
import { useTestDatabase } from '../support/database/use-test-database.js';

const db = useTestDatabase();

describe('currencies', () => {
  it('holds every ISO 4217 currency the code accepts, with its published minor unit', async () => {
    const { rows } = await db.sql.query<{ code: string; minor_unit: number }>('SELECT code, minor_unit FROM currencies ORDER BY code');
    const expected = currencyCodes
      .codes()
      .filter((code) => isCurrencyCode(code))
      .sort()
      .map((code) => ({ code, minor_unit: currencyCodes.code(code)!.digits }));
    expect(rows.map((r) => ({ code: r.code, minor_unit: Number(r.minor_unit) }))).toEqual(expected);
    // Spot checks against the standard itself: yen, dollar, dinar.
    expect(rows.find((r) => r.code === 'JPY')?.minor_unit).toBe(0);
    expect(rows.find((r) => r.code === 'USD')?.minor_unit).toBe(2);
    expect(rows.find((r) => r.code === 'KWD')?.minor_unit).toBe(3);
    expect(rows.some((r) => r.code === 'XAU')).toBe(false);
  });

  it('a campaign or a conversion in a code that is not a currency is refused by the database too', async () => {
    const vendor = await db.sql.query<{ vendor_id: number }>(
      `INSERT INTO vendors (name, email, created_at, updated_at) VALUES ('V', 'v@example.com', NOW(), NOW()) RETURNING vendor_id`,
    );
    const insert = (currency: string) =>
      db.sql.query(`INSERT INTO campaigns (vendor_id, status, currency, created_at, updated_at) VALUES (:v::integer, 'active', :c, NOW(), NOW())`, {
        v: vendor.rows[0]!.vendor_id,
        c: currency,
      });
    await expect(insert('JPY')).resolves.toBeDefined();
    await expect(insert('XAU')).rejects.toThrow();
    await expect(insert('ABC')).rejects.toThrow();
  });
});
