import { describe, expect, it } from 'vitest';
import { MAX_VISIBILITY_SECONDS, retryDelaySeconds } from '../../../../functions/domain/notifications/index.js';

describe('retryDelaySeconds', () => {
  it.each([
    [1, 30],
    [2, 60],
    [3, 120],
    [7, 1_920], // 32 min before the 8th and last receive
    [0, 30], // a missing receive count counts as the first
  ])('receive %i waits %i s before the next attempt', (receive, seconds) => {
    expect(retryDelaySeconds(receive)).toBe(seconds);
  });

  it('never exceeds the 12-hour SQS visibility limit', () => {
    expect(retryDelaySeconds(12)).toBe(MAX_VISIBILITY_SECONDS);
    expect(retryDelaySeconds(1_000)).toBe(MAX_VISIBILITY_SECONDS);
  });
});
