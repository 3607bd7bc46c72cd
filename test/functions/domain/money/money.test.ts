import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  formatMoney,
  formatRate,
  InvalidDecimalError,
  multiplyByDecimal,
  parseMoney,
  parseRate,
  percentOf,
  roundHalfUp,
  splitLargestRemainder,
} from '../../../../functions/domain/money/index.js';

describe('parseMoney', () => {
  it.each([
    ['12', 1200n],
    ['12.3', 1230n],
    ['12.35', 1235n],
    ['-1.50', -150n],
    ['0', 0n],
    ['0.01', 1n],
    ['99999999999999999.99', 9999999999999999999n], // beyond 2^53: bigint stays exact
    ['12.300', 1230n], // a NUMERIC(13,3) column's trailing zero changes nothing
    ['-0.050', -5n],
  ])('%s -> %s cents', (input, cents) => {
    expect(parseMoney(input)).toBe(cents);
  });

  it.each(['', ' 12', '12 ', '12.345', '1e3', '+1', '1,000.00', '.5', '5.', 'NaN', '-', '0x10'])(
    'rejects %j',
    (input) => {
      expect(() => parseMoney(input)).toThrow(InvalidDecimalError);
    },
  );

  it('rejects a JS number (already a binary float)', () => {
    expect(() => parseMoney(12.3 as unknown as string)).toThrow(InvalidDecimalError);
  });
});

describe('formatMoney', () => {
  it.each([
    [1230n, '12.30'],
    [0n, '0.00'],
    [5n, '0.05'],
    [-5n, '-0.05'],
    [-150n, '-1.50'],
    [123456789n, '1234567.89'],
  ])('%s -> %s', (cents, text) => {
    expect(formatMoney(cents)).toBe(text);
  });

  it('round-trips with parseMoney', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (cents) => {
        expect(parseMoney(formatMoney(cents))).toBe(cents);
      }),
    );
  });
});

describe('parseRate', () => {
  it.each([
    ['10.00', 1000n],
    ['10', 1000n],
    ['2.5', 250n],
    ['0.01', 1n],
    ['100', 10000n],
  ])('%s%% -> %s bp', (input, bp) => {
    expect(parseRate(input)).toBe(bp);
  });

  it.each([
    [1000n, '10.00'],
    [250n, '2.50'],
    [1n, '0.01'],
  ])('formats %s bp as %s', (bp, text) => {
    expect(formatRate(bp)).toBe(text);
  });

  it.each(['10.005', '-1', '1e2', ''])('rejects %j', (input) => {
    expect(() => parseRate(input)).toThrow(InvalidDecimalError);
  });
});

describe('roundHalfUp', () => {
  it.each([
    [25n, 10n, 3n],
    [24n, 10n, 2n],
    [-25n, 10n, -3n],
    [-24n, 10n, -2n],
    [25n, -10n, -3n],
    [0n, 7n, 0n],
    [1n, 3n, 0n],
    [2n, 3n, 1n],
  ])('%s / %s -> %s', (n, d, q) => {
    expect(roundHalfUp(n, d)).toBe(q);
  });

  it('refuses division by zero', () => {
    expect(() => roundHalfUp(1n, 0n)).toThrow(RangeError);
  });

  it('is odd-symmetric: round(-x) = -round(x)', () => {
    fc.assert(
      fc.property(fc.bigInt(), fc.bigInt({ min: 1n, max: 10n ** 12n }), (n, d) => {
        expect(roundHalfUp(-n, d)).toBe(-roundHalfUp(n, d));
      }),
    );
  });
});

describe('percentOf', () => {
  it.each([
    [10000n, 1000n, 1000n], // $100.00 at 10% = $10.00
    [9999n, 1000n, 1000n], // $99.99 at 10% = $9.999 -> $10.00
    [9994n, 1000n, 999n], // $99.94 at 10% = $9.994 -> $9.99
    [9995n, 1000n, 1000n], // $99.95 at 10% = $9.995 -> $10.00 (half up)
    [-9995n, 1000n, -1000n], // refund mirrors the sale
    [1234n, 0n, 0n], // 0%
    [1234n, 10000n, 1234n], // 100%
    [100n, 250n, 3n], // $1.00 at 2.5% = $0.025 -> $0.03
  ])('%s cents at %s bp -> %s', (cents, bp, result) => {
    expect(percentOf(cents, bp)).toBe(result);
  });
});

describe('multiplyByDecimal', () => {
  it.each([
    [1000n, '1.5', 1500n], // $10.00 x 1.5 = $15.00
    [999n, '1.5', 1499n], // $9.99 x 1.5 = $14.985 -> $14.99
    [1000n, '0.125', 125n],
    [1000n, '2', 2000n],
    [1000n, '0', 0n],
    [-999n, '1.5', -1499n],
  ])('%s x %s -> %s', (cents, multiplier, result) => {
    expect(multiplyByDecimal(cents, multiplier)).toBe(result);
  });

  it('rejects a multiplier with more than 6 decimals or an exponent', () => {
    expect(() => multiplyByDecimal(100n, '1.0000001')).toThrow(InvalidDecimalError);
    expect(() => multiplyByDecimal(100n, '1e2')).toThrow(InvalidDecimalError);
  });
});

describe('splitLargestRemainder', () => {
  it.each([
    [100n, [1n, 1n, 1n], [34n, 33n, 33n]], // $1.00 three ways: first index wins the tie
    [-100n, [1n, 1n, 1n], [-34n, -33n, -33n]], // a refund mirrors the sale
    [1000n, [4000n, 2000n, 4000n], [400n, 200n, 400n]],
    [1001n, [4000n, 2000n, 4000n], [401n, 200n, 400n]],
    [1n, [1n, 1n], [1n, 0n]],
    [0n, [1n, 2n], [0n, 0n]],
    [0n, [0n, 0n], [0n, 0n]],
    [999n, [0n, 1n], [0n, 999n]],
    [10n, [1n, 2n, 3n, 4n], [1n, 2n, 3n, 4n]],
    [11n, [1n, 2n, 3n, 4n], [1n, 2n, 3n, 5n]], // remainders .1 .2 .3 .4: the largest gets the cent
  ])('%s over %s -> %s', (total, weights, parts) => {
    expect(splitLargestRemainder(total, weights)).toEqual(parts);
  });

  it('accepts objects with a weight field', () => {
    expect(splitLargestRemainder(10n, [{ weight: 1n }, { weight: 1n }])).toEqual([5n, 5n]);
  });

  it.each([
    [[] as bigint[]],
    [[-1n, 2n]],
    [[0n, 0n]],
  ])('rejects weights [%s] for a non-zero total', (weights) => {
    expect(() => splitLargestRemainder(5n, weights)).toThrow(RangeError);
  });

  it('parts always sum to the total, each within one cent of its exact share, and mirror for negatives', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          fc.pre(weights.some((w) => w > 0n));
          const parts = splitLargestRemainder(total, weights);
          const sum = weights.reduce((a, b) => a + b, 0n);
          expect(parts.reduce((a, b) => a + b, 0n)).toBe(total);
          parts.forEach((part, i) => {
            const exactTimesSum = total * (weights[i] ?? 0n);
            const diff = part * sum - exactTimesSum;
            expect(diff < 0n ? -diff : diff).toBeLessThan(sum);
          });
          expect(splitLargestRemainder(-total, weights)).toEqual(parts.map((p) => -p));
        },
      ),
    );
  });
});
