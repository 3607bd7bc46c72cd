import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  nextIdempotencyGeneration,
  parsePayoutIdempotencyKey,
  payoutIdempotencyKey,
} from '../../../../functions/domain/payouts/payout-idempotency-key.js';

describe('payoutIdempotencyKey', () => {
  test.each([
    [{ payoutId: 42 }, 'payout-42'],
    [{ payoutId: 42, generation: 0 }, 'payout-42'],
    [{ payoutId: 42, generation: 1 }, 'payout-42-reissue-1'],
    [{ payoutId: 7, generation: 12 }, 'payout-7-reissue-12'],
    [{ payoutId: 42, namespace: 'staging' }, 'staging-payout-42'],
    [{ payoutId: 42, generation: 2, namespace: 'pr-318' }, 'pr-318-payout-42-reissue-2'],
  ])('%j -> %s', (input, key) => {
    expect(payoutIdempotencyKey(input)).toBe(key);
  });

  test.each([
    [{ payoutId: 0 }],
    [{ payoutId: -1 }],
    [{ payoutId: 1.5 }],
    [{ payoutId: 1, generation: -1 }],
    [{ payoutId: 1, namespace: '' }],
    [{ payoutId: 1, namespace: 'has space' }],
  ])('refuses %j', (input) => {
    expect(() => payoutIdempotencyKey(input)).toThrow(RangeError);
  });

  test('property: the same payout and generation always give the same key; different ones never collide', () => {
    const input = fc.record({ payoutId: fc.integer({ min: 1, max: 2 ** 31 }), generation: fc.integer({ min: 0, max: 50 }) });
    fc.assert(
      fc.property(input, input, (a, b) => {
        expect(payoutIdempotencyKey(a)).toBe(payoutIdempotencyKey({ ...a }));
        const same = a.payoutId === b.payoutId && a.generation === b.generation;
        expect(payoutIdempotencyKey(a) === payoutIdempotencyKey(b)).toBe(same);
      }),
    );
  });
});

describe('nextIdempotencyGeneration', () => {
  test.each([
    // The provider said no: nothing was paid, a new key is safe (and needed: Stripe replays the refusal).
    [0, 'not_paid', 1],
    [3, 'not_paid', 4],
    // Timeout / 5xx: the provider may have paid; only the same key lets it deduplicate.
    [0, 'unknown', 0],
    [3, 'unknown', 3],
  ] as const)('generation %i after a %s failure -> %i', (generation, lastOutcome, next) => {
    expect(nextIdempotencyGeneration({ generation, lastOutcome })).toBe(next);
  });
});

describe('parsePayoutIdempotencyKey', () => {
  test.each([
    ['payout-42', { payoutId: 42, generation: 0 }],
    ['payout-42-reissue-3', { payoutId: 42, generation: 3 }],
    ['staging-payout-42', { payoutId: 42, generation: 0, namespace: 'staging' }],
    ['pr-318-payout-7-reissue-1', { payoutId: 7, generation: 1, namespace: 'pr-318' }],
  ])('%s', (key, parsed) => {
    expect(parsePayoutIdempotencyKey(key)).toEqual(parsed);
  });

  test.each([['payout-0'], ['payout-042'], ['payout-42-reissue-0'], ['tr_123'], ['payout-'], ['']])('%j is not a payout key', (key) => {
    expect(parsePayoutIdempotencyKey(key)).toBeUndefined();
  });

  test('property: every key round-trips', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.integer({ min: 0, max: 50 }),
        fc.option(fc.stringMatching(/^[A-Za-z0-9_.-]{1,40}$/), { nil: undefined }),
        (payoutId, generation, namespace) => {
          const input = { payoutId, generation, ...(namespace === undefined ? {} : { namespace }) };
          expect(parsePayoutIdempotencyKey(payoutIdempotencyKey(input))).toEqual(input);
        },
      ),
    );
  });
});
