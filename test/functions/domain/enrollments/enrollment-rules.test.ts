import { describe, expect, it } from 'vitest';
import { generateShortCode } from '../../../../functions/domain/enrollments/generate-short-code.js';
import { hasRoomForPartner, transitionEnrollment } from '../../../../functions/domain/enrollments/transition-enrollment.js';

describe('transitionEnrollment', () => {
  it.each([
    ['pending', 'approve', 'approved'],
    ['pending', 'reject', 'rejected'],
    ['pending', 'remove', 'removed'],
    ['approved', 'remove', 'removed'],
    ['rejected', 'remove', 'removed'],
  ] as const)('%s + %s -> %s', (from, action, to) => {
    expect(transitionEnrollment({ from, action })).toEqual({ ok: true, to });
  });

  it.each([
    ['approved', 'approve'],
    ['approved', 'reject'],
    ['rejected', 'approve'],
    ['removed', 'approve'],
    ['removed', 'remove'],
  ] as const)('refuses %s + %s', (from, action) => {
    expect(transitionEnrollment({ from, action }).ok).toBe(false);
  });
});

describe('hasRoomForPartner', () => {
  it('counts approved partners against max_partners (null = unlimited)', () => {
    expect(hasRoomForPartner({ maxPartners: null, approvedCount: 10_000 })).toBe(true);
    expect(hasRoomForPartner({ maxPartners: 2, approvedCount: 1 })).toBe(true);
    expect(hasRoomForPartner({ maxPartners: 2, approvedCount: 2 })).toBe(false);
    expect(hasRoomForPartner({ maxPartners: 0, approvedCount: 0 })).toBe(false);
  });
});

describe('generateShortCode', () => {
  it('makes 8 base62 characters, uniform (bytes >= 248 are skipped)', () => {
    expect(generateShortCode()).toMatch(/^[0-9A-Za-z]{8}$/);
    // 248..255 would bias; they are rejected and the next bytes used.
    const bytes = Buffer.from([255, 248, 0, 61, 62, 123, 124, 247, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(generateShortCode({ random: () => bytes })).toBe('0z0z0z12');
  });

  it('does not repeat across many draws', () => {
    const codes = new Set(Array.from({ length: 20_000 }, () => generateShortCode()));
    expect(codes.size).toBe(20_000);
  });
});
