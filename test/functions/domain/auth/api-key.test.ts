import { describe, expect, it } from 'vitest';
import { constantTimeEqual, generateApiKey, hashApiKey, ownerTypeOfKey } from '../../../../functions/domain/auth/api-key.js';
import { expiryAfterRotation, keyExpiresAt, keyExpiryHeaders } from '../../../../functions/domain/auth/key-lifetime.js';
import { canManageRole, roleAtLeast } from '../../../../functions/domain/auth/roles.js';

describe('generateApiKey', () => {
  it('makes a prefixed 256-bit key, its display prefix and its SHA-256 hex hash', () => {
    const key = generateApiKey({ ownerType: 'vendor_user', random: (n) => Buffer.alloc(n, 7) });
    expect(key.key).toBe(`vk_${Buffer.alloc(32, 7).toString('base64url')}`);
    expect(key.key).toHaveLength(46);
    expect(key.key_prefix).toBe(key.key.slice(0, 9));
    expect(key.key_hash).toBe(hashApiKey(key.key));
    expect(key.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(generateApiKey({ ownerType: 'partner' }).key).toMatch(/^pk_[A-Za-z0-9_-]{43}$/);
  });

  it('never repeats in practice', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey({ ownerType: 'partner' }).key));
    expect(keys.size).toBe(1000);
  });

  it('recognises key shapes by prefix', () => {
    expect(ownerTypeOfKey(generateApiKey({ ownerType: 'vendor_user' }).key)).toBe('vendor_user');
    expect(ownerTypeOfKey(generateApiKey({ ownerType: 'partner' }).key)).toBe('partner');
    expect(ownerTypeOfKey('vk_short')).toBeUndefined();
    expect(ownerTypeOfKey('admin-token')).toBeUndefined();
  });

  it('compares secrets in constant time without leaking length', () => {
    expect(constantTimeEqual('secret', 'secret')).toBe(true);
    expect(constantTimeEqual('secret', 'secreT')).toBe(false);
    expect(constantTimeEqual('secret', 'secret-longer')).toBe(false);
  });
});

describe('key lifetime', () => {
  const now = new Date('2026-01-01T00:00:00.000Z');
  it('expires keys after 90 days and keeps a rotated key 24 h (never longer than it had)', () => {
    expect(keyExpiresAt(now).toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(expiryAfterRotation({ now, currentExpiresAt: keyExpiresAt(now) }).toISOString()).toBe('2026-01-02T00:00:00.000Z');
    const soon = new Date('2026-01-01T06:00:00.000Z');
    expect(expiryAfterRotation({ now, currentExpiresAt: soon })).toEqual(soon);
  });

  it('warns from 10 days before expiry', () => {
    const expiresAt = new Date('2026-04-01T00:00:00.000Z');
    expect(keyExpiryHeaders({ now: new Date('2026-03-21T23:59:59.000Z'), expiresAt })).toEqual({});
    expect(keyExpiryHeaders({ now: new Date('2026-03-22T00:00:00.000Z'), expiresAt })).toEqual({
      deprecation: `@${expiresAt.getTime() / 1000}`,
      sunset: 'Wed, 01 Apr 2026 00:00:00 GMT',
      'x-api-key-expires-at': '2026-04-01T00:00:00.000Z',
    });
  });
});

describe('roles', () => {
  it.each([
    ['member', 'member', true],
    ['member', 'manager', false],
    ['manager', 'manager', true],
    ['admin', 'manager', true],
    ['admin', 'owner', false],
    ['owner', 'admin', true],
  ] as const)('%s at least %s: %s', (role, min, expected) => {
    expect(roleAtLeast(role, min)).toBe(expected);
  });

  it('admins manage managers and members; owners manage everyone; managers nobody', () => {
    expect(canManageRole('admin', 'manager')).toBe(true);
    expect(canManageRole('admin', 'member')).toBe(true);
    expect(canManageRole('admin', 'admin')).toBe(false);
    expect(canManageRole('admin', 'owner')).toBe(false);
    expect(canManageRole('owner', 'owner')).toBe(true);
    expect(canManageRole('manager', 'member')).toBe(false);
  });
});
