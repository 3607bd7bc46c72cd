import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptedSecretValues } from '../../../../functions/domain/auth/accepted-secret-values.js';

const rotatedAt = new Date('2026-12-04T12:00:00.000Z');
const current = { value: 'new-token', createdAt: rotatedAt };
const previous = { value: 'old-token', createdAt: new Date('2026-09-01T00:00:00.000Z') };

describe('acceptedSecretValues (the operator token)', () => {
  it('accepts the previous token strictly inside the grace period after the rotation, the current one always', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 * 86_400 }), fc.integer({ min: 0, max: 10 * 86_400_000 }), (graceSeconds, elapsedMs) => {
        const now = new Date(rotatedAt.getTime() + elapsedMs);
        const accepted = acceptedSecretValues({ current, previous, now, graceSeconds });
        expect(accepted).toEqual(elapsedMs < graceSeconds * 1000 ? ['new-token', 'old-token'] : ['new-token']);
      }),
    );
  });

  it('accepts nothing without a current value, and never an empty token', () => {
    expect(acceptedSecretValues({ current: undefined, previous, now: rotatedAt, graceSeconds: 900 })).toEqual([]);
    expect(acceptedSecretValues({ current: { value: '', createdAt: rotatedAt }, previous: { value: '', createdAt: rotatedAt }, now: rotatedAt, graceSeconds: 900 })).toEqual([]);
    expect(acceptedSecretValues({ current, previous: undefined, now: rotatedAt, graceSeconds: 900 })).toEqual(['new-token']);
  });
});

describe('acceptedSecretValues (the origin-verify header)', () => {
  const rotatedAt = new Date('2026-12-04T10:00:00.000Z');
  const versions = { current: { value: 'new', createdAt: rotatedAt }, previous: { value: 'old', createdAt: new Date('2026-06-01T00:00:00.000Z') } };

  it.each([
    ['right after the rotation', 0, ['new', 'old']],
    ['one second before the grace period ends', 3599, ['new', 'old']],
    ['when the grace period ends', 3600, ['new']],
    ['a day later', 86_400, ['new']],
  ])('%s', (_, secondsAfter, accepted) => {
    const now = new Date(rotatedAt.getTime() + secondsAfter * 1000);
    expect(acceptedSecretValues({ ...versions, now, graceSeconds: 3600 })).toEqual(accepted);
  });

  it('is only the current value before any rotation', () => {
    expect(acceptedSecretValues({ current: versions.current, previous: undefined, now: rotatedAt, graceSeconds: 3600 })).toEqual(['new']);
  });
});
