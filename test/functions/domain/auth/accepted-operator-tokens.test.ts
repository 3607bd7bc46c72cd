import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptedOperatorTokens } from '../../../../functions/domain/auth/accepted-operator-tokens.js';

const rotatedAt = new Date('2026-12-04T12:00:00.000Z');
const current = { value: 'new-token', createdAt: rotatedAt };
const previous = { value: 'old-token', createdAt: new Date('2026-09-01T00:00:00.000Z') };

describe('acceptedOperatorTokens', () => {
  it('accepts the previous token strictly inside the grace period after the rotation, the current one always', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 * 86_400 }), fc.integer({ min: 0, max: 10 * 86_400_000 }), (graceSeconds, elapsedMs) => {
        const now = new Date(rotatedAt.getTime() + elapsedMs);
        const accepted = acceptedOperatorTokens({ current, previous, now, graceSeconds });
        expect(accepted).toEqual(elapsedMs < graceSeconds * 1000 ? ['new-token', 'old-token'] : ['new-token']);
      }),
    );
  });

  it('accepts nothing without a current value, and never an empty token', () => {
    expect(acceptedOperatorTokens({ current: undefined, previous, now: rotatedAt, graceSeconds: 900 })).toEqual([]);
    expect(acceptedOperatorTokens({ current: { value: '', createdAt: rotatedAt }, previous: { value: '', createdAt: rotatedAt }, now: rotatedAt, graceSeconds: 900 })).toEqual([]);
    expect(acceptedOperatorTokens({ current, previous: undefined, now: rotatedAt, graceSeconds: 900 })).toEqual(['new-token']);
  });
});
