import { describe, expect, it } from 'vitest';
import { percentile, runClosedLoop, seededRandom } from '../support/load/closed-loop.js';
import { commissionCents, compareKeys } from '../support/load/verify-load.js';

describe('percentile (nearest rank)', () => {
  it.each([
    [50, 5],
    [99, 10],
    [100, 10],
    [1, 1],
    [0, 1],
  ])('p%i of 1..10 is %i', (p, expected) => {
    expect(percentile([10, 1, 9, 2, 8, 3, 7, 4, 6, 5], p)).toBe(expected);
  });

  it('is 0 without samples', () => {
    expect(percentile([], 99)).toBe(0);
  });
});

describe('runClosedLoop', () => {
  it('keeps exactly `concurrency` requests in flight and starts none after the deadline', async () => {
    // A clock that moves only when a step ends: the deadline is a count of finished steps, so a
    // loaded machine cannot move it between the check and the step (the wall clock once did).
    let clock = 0;
    let inFlight = 0;
    let most = 0;
    const startedAt: number[] = [];
    const deadline = 10;
    await runClosedLoop({
      concurrency: 3,
      deadline,
      now: () => clock,
      step: async () => {
        startedAt.push(clock);
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight -= 1;
        clock += 1;
      },
    });
    expect(most).toBe(3);
    expect(inFlight).toBe(0);
    expect(startedAt.every((t) => t < deadline)).toBe(true);
    // Every worker stops at the first check past the deadline: 10 steps to reach it, at most one more per worker.
    expect(startedAt.length).toBeGreaterThanOrEqual(deadline);
    expect(startedAt.length).toBeLessThanOrEqual(deadline + 2);
  });

  it('runs nothing when the deadline has passed', async () => {
    let steps = 0;
    await runClosedLoop({ concurrency: 4, deadline: performance.now() - 1, step: async () => void (steps += 1) });
    expect(steps).toBe(0);
  });
});

describe('seededRandom', () => {
  it('replays the same sequence for the same seed, in [0, 1)', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const first = Array.from({ length: 100 }, a);
    expect(Array.from({ length: 100 }, b)).toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('commissionCents (the expectation the load test holds the platform to)', () => {
  it.each([
    [9_999n, 1_000n, 1_000n], // $99.99 at 10 % = $9.999 -> $10.00
    [9_994n, 1_000n, 999n], // $99.94 at 10 % = $9.994 -> $9.99
    [9_995n, 1_000n, 1_000n], // $99.95 at 10 % = $9.995 -> $10.00 (half up)
    [100n, 1_000n, 10n], // $1.00 -> $0.10
    [0n, 1_000n, 0n],
  ])('%i cents at %i bp is %i cents', (cents, bp, expected) => {
    expect(commissionCents(cents, bp)).toBe(expected);
  });
});

describe('compareKeys (exactly once: no missing, no extra, no doubled rows)', () => {
  it('is clean when the rows hold each key once', () => {
    expect(compareKeys(['a', 'b'], ['b', 'a'])).toEqual({ missing: 0, extra: 0, doubled: 0, examples: [] });
  });

  it('names missing, extra and doubled keys', () => {
    expect(compareKeys(['a', 'b', 'c'], ['a', 'a', 'c', 'x'])).toEqual({
      missing: 1,
      extra: 1,
      doubled: 1,
      examples: ['missing b', 'extra x', 'doubled a'],
    });
  });
});
