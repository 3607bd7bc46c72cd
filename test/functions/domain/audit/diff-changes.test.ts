import { describe, expect, it } from 'vitest';
import { diffChanges } from '../../../../functions/domain/audit/diff-changes.js';

describe('diffChanges', () => {
  it('keeps only changed fields, before and after', () => {
    expect(diffChanges({ status: 'pending', note: 'x', updated_at: 'a' }, { status: 'approved', note: 'x', updated_at: 'b' })).toEqual({
      before: { status: 'pending' },
      after: { status: 'approved' },
      changed_fields: ['status'],
    });
  });

  it('records creates and deletes, and never copies secrets', () => {
    expect(diffChanges(null, { name: 'A', webhook_secret: 's', key_hash: 'h' })).toEqual({
      before: null,
      after: { name: 'A' },
      changed_fields: ['name'],
    });
    expect(diffChanges({ name: 'A' }, null)).toEqual({ before: { name: 'A' }, after: null, changed_fields: ['name'] });
  });

  it('compares nested values structurally', () => {
    expect(diffChanges({ tiers: [{ a: 1 }] }, { tiers: [{ a: 1 }] }).changed_fields).toEqual([]);
    expect(diffChanges({ tiers: [{ a: 1 }] }, { tiers: [{ a: 2 }] }).changed_fields).toEqual(['tiers']);
  });
});
