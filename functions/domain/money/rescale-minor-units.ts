import { InvalidDecimalError } from './decimal.js';

/**
 * An integer amount with `from` decimals as one with `to` decimals, exactly: (4000n, 0, 2) ->
 * 400000n (ISK: 4000 krónur in Stripe's two-decimal unit), (123400n, 2, 0) -> 1234n.
 * Refuses an amount the target unit cannot hold ((12345n, 2, 0): 123.45 has no whole-unit form):
 * a payout is never rounded on its way to a provider.
 *
 * @throws InvalidDecimalError
 */
export function rescaleMinorUnits(amount: bigint, from: number, to: number): bigint {
  if (to >= from) return amount * 10n ** BigInt(to - from);
  const factor = 10n ** BigInt(from - to);
  if (amount % factor !== 0n) {
    throw new InvalidDecimalError(amount.toString(), `not a whole amount with ${to} decimal place${to === 1 ? '' : 's'}`);
  }
  return amount / factor;
}
