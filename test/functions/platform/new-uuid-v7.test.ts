import { randomBytes } from 'node:crypto';
import { v7 as uuidv7, validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';
import { formatUuidV7, newUuidV7 } from '../../../functions/platform/new-uuid-v7.js';

describe('newUuidV7', () => {
  it('lays out time, sequence and random bits exactly as the uuid package does', () => {
    for (let round = 0; round < 500; round += 1) {
      const random = new Uint8Array(randomBytes(16));
      const msecs = 1_700_000_000_000 + round * 7_919;
      const seq = (random[0]! << 23) ^ round;
      expect(formatUuidV7(random, 0, msecs, seq)).toBe(uuidv7({ random, msecs, seq }));
    }
    // At an offset into a larger pool too.
    const pool = new Uint8Array(randomBytes(48));
    expect(formatUuidV7(pool, 32, 1_733_000_000_123, 5)).toBe(uuidv7({ random: pool.subarray(32), msecs: 1_733_000_000_123, seq: 5 }));
  });

  it('mints valid, distinct version-7 ids that sort in minting order, within and across milliseconds', () => {
    const ids: string[] = [];
    // 1,000 ids in one millisecond (the sequence counts up), then more in later ones (reseeded), past several pool refills.
    for (let index = 0; index < 1_000; index += 1) ids.push(newUuidV7(1_800_000_000_000));
    for (let index = 0; index < 5_000; index += 1) ids.push(newUuidV7(1_800_000_000_001 + Math.floor(index / 100)));
    for (const id of ids) {
      expect(validate(id)).toBe(true);
      expect(version(id)).toBe(7);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // The time field is the millisecond given.
    expect(Number.parseInt(ids[0]!.replaceAll('-', '').slice(0, 12), 16)).toBe(1_800_000_000_000);
  });

  it('keeps ids ordered when the clock steps back', () => {
    const ahead = newUuidV7(1_900_000_000_000);
    const after = newUuidV7(1_899_999_999_000);
    expect(after > ahead).toBe(true);
  });
});
