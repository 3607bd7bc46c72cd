import { describe, expect, it } from 'vitest';
import { transitionPartner, transitionVendor, type PartnerAction, type VendorAction } from '../../../../functions/domain/accounts/transition-account.js';

describe('transitionPartner (the dictionary statuses: pending, active, suspended, rejected)', () => {
  it.each<[string, PartnerAction, string | null]>([
    ['pending', 'approve', 'active'],
    ['rejected', 'approve', 'active'],
    ['pending', 'reject', 'rejected'],
    ['active', 'suspend', 'suspended'],
    ['suspended', 'activate', 'active'],
    ['active', 'reject', null],
    ['suspended', 'approve', null],
    ['pending', 'suspend', null],
    ['pending', 'activate', null],
    ['rejected', 'activate', null],
  ])('%s + %s -> %s', (from, action, to) => {
    const result = transitionPartner({ from, action });
    if (to === null) {
      expect(result.ok).toBe(false);
      expect(!result.ok && result.reason).toContain(`The partner is ${from}: ${action} is not allowed`);
    } else {
      expect(result).toEqual({ ok: true, to, changed: true });
    }
  });

  it('repeating the current status is a no-op, not a conflict', () => {
    expect(transitionPartner({ from: 'active', action: 'approve' })).toEqual({ ok: true, to: 'active', changed: false });
    expect(transitionPartner({ from: 'rejected', action: 'reject' })).toEqual({ ok: true, to: 'rejected', changed: false });
  });
});

describe('transitionVendor (active, suspended, inactive)', () => {
  it.each<[string, VendorAction, string]>([
    ['active', 'suspend', 'suspended'],
    ['inactive', 'suspend', 'suspended'],
    ['active', 'deactivate', 'inactive'],
    ['suspended', 'deactivate', 'inactive'],
    ['suspended', 'activate', 'active'],
    ['inactive', 'activate', 'active'],
  ])('%s + %s -> %s', (from, action, to) => {
    expect(transitionVendor({ from, action })).toEqual({ ok: true, to, changed: true });
  });
});
