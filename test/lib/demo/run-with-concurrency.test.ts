import { describe, expect, it } from 'vitest';
import { runWithConcurrency } from '../../../lib/demo/run-with-concurrency.js';

describe('runWithConcurrency', () => {
  it('keeps input order and never exceeds the limit', async () => {
    let running = 0;
    let peak = 0;
    const results = await runWithConcurrency([5, 1, 4, 2, 3, 0], 2, async (n, i) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running -= 1;
      return `${i}:${n}`;
    });
    expect(results).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3', '5:0']);
    expect(peak).toBe(2);
  });

  it('rejects with the first failure, and handles no items', async () => {
    await expect(runWithConcurrency([1, 2, 3], 3, async (n) => {
      if (n === 2) throw new Error('two');
      return n;
    })).rejects.toThrow('two');
    expect(await runWithConcurrency([], 4, async () => 1)).toEqual([]);
  });
});
